from django.urls import path

from reports.papers import views

urlpatterns = [
    path("meetings/<int:pk>/paper/", views.committee_paper, name="committee_paper"),
    path("meetings/<int:pk>/paper.pdf", views.committee_paper_pdf_view, name="committee_paper_pdf"),
    path("meetings/<int:pk>/paper/preview/", views.committee_paper_preview, name="committee_paper_preview"),
    path("papers/<int:pk>/download/", views.published_paper_download, name="published_paper_download"),
    path("plans/<int:pk>/report.pdf", views.plan_report_pdf_view, name="plan_report_pdf"),
]
