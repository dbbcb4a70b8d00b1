from django.urls import include, path

urlpatterns = [
    path("", include("reports.tracker.urls")),
    path("", include("reports.dashboard.urls")),
    path("", include("reports.minutes.urls")),
    path("", include("reports.papers.urls")),
]
