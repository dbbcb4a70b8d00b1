from django.urls import path

from reports.bulk_update import views

urlpatterns = [
    path("bulk-update/", views.bulk_update, name="bulk_update"),
    path("bulk-update/preview/", views.bulk_update_preview_page, name="bulk_update_preview"),
    path("bulk-update/confirm/", views.bulk_update_confirm, name="bulk_update_confirm"),
    path("my-actions/export.xlsx", views.my_actions_update_sheet, name="my_actions_update_sheet"),
    path("tracker/update-sheet.xlsx", views.tracker_update_sheet, name="tracker_update_sheet"),
    path("plans/<int:pk>/tracker/update-sheet.xlsx", views.plan_tracker_update_sheet, name="plan_tracker_update_sheet"),
]
