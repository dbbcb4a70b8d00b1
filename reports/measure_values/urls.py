from django.urls import path

from reports.measure_values import views

urlpatterns = [
    path("measures/values/upload/", views.values_upload, name="measure_values_upload"),
    path("measures/values/upload/preview/", views.values_upload_preview, name="measure_values_upload_preview"),
    path("measures/values/upload/confirm/", views.values_upload_confirm, name="measure_values_upload_confirm"),
    path(
        "measures/values/template.<str:file_format>",
        views.values_template_download,
        name="measure_values_template",
    ),
]
