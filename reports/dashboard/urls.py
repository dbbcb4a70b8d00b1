from django.urls import path

from reports.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("bodies/<int:pk>/dashboard/", views.body_dashboard, name="body_dashboard"),
    path("plans/<int:pk>/dashboard/", views.plan_dashboard, name="plan_dashboard"),
]
