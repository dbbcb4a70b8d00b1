from django.urls import path

from reports.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/by/<slug:kind>/", views.dashboard_breakdown, name="dashboard_breakdown"),
    path("dashboard/late-responses/", views.dashboard_late_responses, name="dashboard_late_responses"),
    path("bodies/<int:pk>/dashboard/", views.body_dashboard, name="body_dashboard"),
    path("bodies/<int:pk>/dashboard/by/<slug:kind>/", views.body_dashboard_breakdown, name="body_dashboard_breakdown"),
    path(
        "bodies/<int:pk>/dashboard/late-responses/",
        views.body_dashboard_late_responses,
        name="body_dashboard_late_responses",
    ),
    path("plans/<int:pk>/dashboard/", views.plan_dashboard, name="plan_dashboard"),
    path("plans/<int:pk>/dashboard/by/<slug:kind>/", views.plan_dashboard_breakdown, name="plan_dashboard_breakdown"),
    path(
        "plans/<int:pk>/dashboard/late-responses/",
        views.plan_dashboard_late_responses,
        name="plan_dashboard_late_responses",
    ),
]
