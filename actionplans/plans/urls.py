from django.urls import include, path

from actionplans.plans import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/updates/", views.progress_update_create, name="progress_update_create"),
    path("actions/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("", include("actionplans.plans.editing.urls")),
]
