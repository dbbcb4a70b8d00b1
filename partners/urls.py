from django.urls import path

from partners.pages import views

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<int:pk>/members/", views.body_members, name="body_members"),
    path("bodies/<int:body_pk>/members/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("bodies/<int:body_pk>/members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
]
