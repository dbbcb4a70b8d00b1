from django.urls import path

from reports.tracker import views

urlpatterns = [
    path("tracker/", views.tracker, name="tracker"),
    path("plans/<int:pk>/tracker/", views.plan_tracker, name="plan_tracker"),
]
