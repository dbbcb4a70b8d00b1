from django.urls import path

from reports.exports import views

urlpatterns = [
    path("tracker/export.xlsx", views.tracker_export, {"file_format": "xlsx"}, name="tracker_export"),
    path("tracker/export.csv", views.tracker_export, {"file_format": "csv"}, name="tracker_export_csv"),
    path(
        "plans/<int:pk>/tracker/export.xlsx",
        views.plan_tracker_export,
        {"file_format": "xlsx"},
        name="plan_tracker_export",
    ),
    path(
        "plans/<int:pk>/tracker/export.csv",
        views.plan_tracker_export,
        {"file_format": "csv"},
        name="plan_tracker_export_csv",
    ),
]
