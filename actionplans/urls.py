from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actionplans import meeting_views, round_views, views
from actionplans.forms import ResetPasswordForm, SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/updates/", views.progress_update_create, name="progress_update_create"),
    path("actions/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("meetings/<int:pk>/monitoring/", meeting_views.meeting_monitoring, name="meeting_monitoring"),
    path("meetings/<int:pk>/since-last-meeting/", meeting_views.meeting_since_last, name="meeting_since_last"),
    path("meetings/<int:pk>/update-round/", round_views.update_round_start, name="update_round_start"),
    path("update-rounds/<int:pk>/", round_views.update_round_detail, name="update_round_detail"),
    path("update-rounds/<int:pk>/remind/", round_views.update_round_remind, name="update_round_remind"),
    path("", include("reports.urls")),
    path("", include("actionplans.editing.urls")),
    path("", include("recommendations.urls")),
    path("", include("partners.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetPasswordForm, extra_email_context={"service_name": settings.TRACKER_SERVICE_NAME}
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
]
