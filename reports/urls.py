from django.urls import include, path

urlpatterns = [
    path("", include("reports.tracker.urls")),
    path("", include("reports.dashboard.urls")),
    path("", include("reports.imports.urls")),
    path("", include("reports.exports.urls")),
    path("", include("reports.bulk_update.urls")),
    path("", include("reports.measure_values.urls")),
    path("", include("reports.minutes.urls")),
    path("", include("reports.papers.urls")),
]
