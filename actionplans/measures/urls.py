from django.urls import path

from actionplans.measures import views

urlpatterns = [
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("plans/<int:pk>/measures/", views.plan_measures, name="plan_measures"),
    path("plans/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("plans/<int:pk>/measures/values/", views.measure_values, name="measure_values"),
    path("bodies/<int:pk>/measures/", views.body_measures, name="body_measures"),
]
