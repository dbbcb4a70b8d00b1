from django.urls import path

from reports.minutes import views

urlpatterns = [
    path("meetings/<int:pk>/minutes/", views.meeting_minutes_extract, name="meeting_minutes_extract"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_minutes_docx, name="meeting_minutes_docx"),
]
