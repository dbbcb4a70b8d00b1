from django.urls import path

from recommendations import views

urlpatterns = [
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
]
