from django.urls import path

from reports.minutes import views

urlpatterns = [
    path("meetings/<int:pk>/minutes/", views.meeting_minutes_extract, name="meeting_minutes_extract"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_minutes_docx, name="meeting_minutes_docx"),
    path("meetings/<int:pk>/minutes/record/", views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<int:pk>/minutes/record.docx", views.meeting_minutes_record_docx, name="meeting_minutes_record_docx"
    ),
    path("meetings/<int:pk>/minutes/record.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
