from django.urls import path

from partners import views

urlpatterns = [
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
]
