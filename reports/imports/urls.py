from django.urls import path

from reports.imports import views

urlpatterns = [
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/import/columns/", views.plan_import_columns, name="plan_import_columns"),
    path("plans/import/preview/", views.plan_import_preview, name="plan_import_preview"),
    path("plans/<int:pk>/import/", views.plan_import_into, name="plan_import_into"),
]
