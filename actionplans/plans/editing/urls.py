from django.urls import path

from actionplans.plans.editing import views

urlpatterns = [
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("actions/<int:pk>/people/", views.action_people, name="action_people"),
    path("people/<int:pk>/handover/", views.person_handover, name="person_handover"),
]
