"""Every meeting address: the meeting itself, its monitoring list and decisions, what
changed since the last meeting, and its update round."""

from django.urls import path

from actionplans.meetings import agenda_views, meeting_views, monitoring_views, round_views

urlpatterns = [
    path("bodies/<int:pk>/meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", agenda_views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/agenda/new/", agenda_views.agenda_item_create, name="agenda_item_create"),
    path("agenda-items/<int:pk>/edit/", agenda_views.agenda_item_edit, name="agenda_item_edit"),
    path("agenda-items/<int:pk>/actions/new/", agenda_views.agreed_action_create, name="agreed_action_create"),
    path("meetings/<int:pk>/monitoring/", monitoring_views.meeting_monitoring, name="meeting_monitoring"),
    path("meetings/<int:pk>/since-last-meeting/", monitoring_views.meeting_since_last, name="meeting_since_last"),
    path("meetings/<int:pk>/update-round/", round_views.update_round_start, name="update_round_start"),
    path("meetings/<int:pk>/update-round/owners/", round_views.update_round_owners, name="update_round_owners"),
    path("update-rounds/<int:pk>/", round_views.update_round_detail, name="update_round_detail"),
    path("update-rounds/<int:pk>/remind/", round_views.update_round_remind, name="update_round_remind"),
]
