"""Sign-in security: how long a session may last, and whose address a request comes from.

SessionSecurityMiddleware signs a person out, and sends them to the sign-in page with a
message, when their session has been idle for SESSION_IDLE_TIMEOUT_MINUTES (no request in
that time) or has lasted SESSION_ABSOLUTE_TIMEOUT_HOURS since they signed in, whatever
they did meanwhile. It goes after AuthenticationMiddleware and MessageMiddleware.

The session holds two Unix times: when the person signed in (stamped by the
user_logged_in receiver below) and when they were last seen. "Last seen" is written at
most once a LAST_SEEN_RESOLUTION, so most requests do not write the session; a person may
therefore be signed out up to that long before the idle timeout.

A session without the stamps (made before this middleware was deployed, or by
django.contrib.auth.login() before this module was imported) counts from the user's
last_login: never earlier than the real sign-in, so nobody is signed out early, and the
stamps are written with the next "last seen".
"""

import ipaddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils import timezone

SIGNED_IN_AT = "session_security_signed_in_at"
LAST_SEEN_AT = "session_security_last_seen_at"
LAST_SEEN_RESOLUTION = 60  # seconds


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="actionplans.session_security.stamp_sign_in")
def stamp_sign_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[SIGNED_IN_AT] = now
        session[LAST_SEEN_AT] = now


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def sign_out_reason(*, signed_in_at: int, last_seen_at: int, now: int) -> str | None:
    """Why a session with these times must end now ("you had ..."), or None if it may go on."""
    lifetime_minutes = settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 60
    if now - signed_in_at >= lifetime_minutes * 60:
        return f"you had been signed in for {_duration(lifetime_minutes)}"
    idle_minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
    if now - last_seen_at >= idle_minutes * 60:
        return f"you had not used the tracker for {_duration(idle_minutes)}"
    return None


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            session = request.session
            now = _now()
            fallback = int(user.last_login.timestamp()) if user.last_login else now
            signed_in_at = session.get(SIGNED_IN_AT, fallback)
            last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
            reason = sign_out_reason(signed_in_at=signed_in_at, last_seen_at=last_seen_at, now=now)
            if reason:
                return self._sign_out(request, reason)
            # Without stamps or last_login there is nothing to count from: stamp now.
            unstamped = SIGNED_IN_AT not in session and user.last_login is None
            if unstamped or now - last_seen_at >= LAST_SEEN_RESOLUTION:
                session[SIGNED_IN_AT] = signed_in_at
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    def _sign_out(self, request, reason: str):
        path = request.get_full_path()
        logout(request)
        messages.info(request, f"You were signed out because {reason}. Sign in again to carry on.")
        login_url = resolve_url(settings.LOGIN_URL)
        if request.path == login_url:
            return redirect(login_url)
        return redirect_to_login(path, login_url)


def client_ip_address(request) -> str | None:
    """The client's IP address for django-axes (AXES_CLIENT_IP_CALLABLE).

    Without proxies (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR. Behind N proxies that each
    append the address they received from to X-Forwarded-For, it is the Nth entry from the
    right: entries further left were written by the client and cannot be trusted. A header
    too short or not an address means a request that did not come through our proxies:
    REMOTE_ADDR then.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_addr
