"""Pages for requests that cannot go on: a form without a valid CSRF token, a locked-out sign-in.

The 403, 404 and 500 pages are Django's own views with our templates (templates/403.html,
404.html, 500.html).
"""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was open too long, or the browser blocks cookies.

    Offers a link back to the form when the browser said where it came from and that page
    is on this site: loading it again gives a fresh token.
    """
    referer = request.META.get("HTTP_REFERER", "")
    back_url = None
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back_url = referer
    return render(request, "403_csrf.html", {"back_url": back_url}, status=403)


def lockout(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying when the person can try again.

    axes restarts the cool-off at every failed attempt, this one included, so the lock
    ends one cool-off after this attempt.
    """
    cool_off = get_cool_off(request)
    attempted_at = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "try_again_at": attempted_at + cool_off,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
