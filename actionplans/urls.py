from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actionplans import job_pages
from actionplans.forms import ResetPasswordForm, SignInForm

urlpatterns = [
    path("", include("actionplans.plans.urls")),
    path("", include("actionplans.meetings.urls")),
    path("", include("actionplans.measures.urls")),
    path("", include("reports.urls")),
    path("", include("recommendations.urls")),
    path("", include("partners.urls")),
    path("", include(job_pages)),
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
