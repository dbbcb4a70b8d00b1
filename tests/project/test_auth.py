"""Sign-in security: lockout by username and address together, session lifetimes, deactivated
accounts, password reset by e-mail, and the error pages."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from actionplans import session_security
from actionplans.session_security import LAST_SEEN_AT, SIGNED_IN_AT, client_ip_address
from tests.factories import TEST_PASSWORD, UserFactory
from tests.project.test_settings import PRODUCTION_ENV, run_manage

OFFICE = "192.0.2.10"  # one address shared by a whole office
ELSEWHERE = "198.51.100.7"


@pytest.fixture(autouse=True)
def sign_in_rules(settings):
    """Pin the rules these tests are written for, whatever the environment says."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 60
    settings.SESSION_ABSOLUTE_TIMEOUT_HOURS = 12
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(client, username, password, address=OFFICE, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def is_signed_in(client):
    return SESSION_KEY in client.session


def fail(client, username, times, address=OFFICE):
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address)
    return response


# --- Lockout --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_failures_below_the_limit_show_the_sign_in_form_again():
    user = UserFactory()
    response = fail(Client(), user.username, 4)
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (user.username, OFFICE, 4)


@pytest.mark.django_db
def test_the_fifth_failure_locks_that_username_out_from_that_address_even_with_the_right_password():
    user = UserFactory()
    client = Client()
    assert fail(client, user.username, 5).status_code == 429

    response = sign_in(client, user.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_the_same_username_can_still_sign_in_from_another_address():
    user = UserFactory()
    fail(Client(), user.username, 5)

    elsewhere = Client()
    assert sign_in(elsewhere, user.username, TEST_PASSWORD, ELSEWHERE).status_code == 302
    assert is_signed_in(elsewhere)


@pytest.mark.django_db
def test_another_person_in_the_same_office_can_still_sign_in():
    attacked, colleague = UserFactory(), UserFactory()
    fail(Client(), attacked.username, 5)

    client = Client()
    assert sign_in(client, colleague.username, TEST_PASSWORD).status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_lockout_page_says_when_to_try_again_and_how_to_reset_the_password():
    user = UserFactory()
    response = fail(Client(), user.username, 5)

    assert response.status_code == 429
    assert "axes/lockout.html" in [template.name for template in response.templates]
    content = response.content.decode()
    assert "You cannot sign in at the moment" in content
    attempt = AccessAttempt.objects.get()
    try_again_at = timezone.localtime(attempt.attempt_time + datetime.timedelta(minutes=30))
    expected = f"{try_again_at:%-I:%M}{try_again_at:%p}".lower() + f" on {try_again_at.day} {try_again_at:%B %Y}"
    assert f"You can try again after <strong>{expected}</strong>" in content
    assert f'href="{reverse("password_reset")}"' in content
    assert "govuk-heading-l" in content  # our layout, not axes' plain text


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off():
    user = UserFactory()
    client = Client()
    fail(client, user.username, 5)

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=31))
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_lock_holds_until_the_cool_off_has_passed_and_trying_starts_it_again():
    user = UserFactory()
    client = Client()
    fail(client, user.username, 5)

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=29))
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=29))
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 429
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_a_successful_sign_in_clears_earlier_failures():
    user = UserFactory()
    client = Client()
    fail(client, user.username, 4)
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert fail(client, user.username, 4).status_code == 200
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_failure_limit_is_a_setting(settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory()
    assert fail(Client(), user.username, 1).status_code == 200
    assert fail(Client(), user.username, 1).status_code == 429


# --- The client's address behind a proxy -----------------------------------------------------


def request_from(remote_addr, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_address_is_the_peer_and_forwarded_for_is_ignored():
    assert client_ip_address(request_from(OFFICE, "203.0.113.99")) == OFFICE


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, OFFICE, OFFICE),
        # A client that sends its own header cannot choose its address: our proxy appends the real one.
        (1, f"203.0.113.99, {OFFICE}", OFFICE),
        (2, f"203.0.113.99, {OFFICE}, 10.0.0.2", OFFICE),
        # Fewer entries than proxies, or not an address: the request did not come through them.
        (2, OFFICE, "10.0.0.1"),
        (1, "unknown", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_proxies_the_address_is_read_from_the_right_of_forwarded_for(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip_address(request_from("10.0.0.1", forwarded_for)) == expected


@pytest.mark.django_db
def test_behind_a_proxy_lockout_is_by_the_clients_address_not_the_proxys(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacked, colleague = UserFactory(), UserFactory()
    proxy = "10.0.0.1"
    for _ in range(5):
        sign_in(Client(), attacked.username, "wrong", proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    assert AccessAttempt.objects.get().ip_address == OFFICE

    locked = Client()
    assert sign_in(locked, attacked.username, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 429
    forged = Client()
    response = sign_in(forged, attacked.username, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {OFFICE}")
    assert response.status_code == 429
    home = Client()
    assert sign_in(home, attacked.username, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code == 302
    office = Client()
    assert sign_in(office, colleague.username, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 302


# --- Sessions --------------------------------------------------------------------------------
# These test session security itself, so they are marked to run with the real
# LAST_SEEN_RESOLUTION (tests/conftest.py sets a day for every other test).


@pytest.fixture
def signed_in(db):
    """A client signed in through the sign-in form, as a person would."""
    user = UserFactory()
    client = Client()
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 302
    return client, user


def set_session_times(client, *, signed_in_ago=None, last_seen_ago=None):
    session = client.session
    now = int(timezone.now().timestamp())
    if signed_in_ago is not None:
        session[SIGNED_IN_AT] = now - int(signed_in_ago.total_seconds())
    if last_seen_ago is not None:
        session[LAST_SEEN_AT] = now - int(last_seen_ago.total_seconds())
    session.save()


@pytest.mark.real_session_resolution
def test_the_session_key_changes_at_sign_in(db):
    user = UserFactory()
    client = Client()
    anonymous_session = client.session
    anonymous_session["seen_the_sign_in_page"] = True
    anonymous_session.save()
    old_key = anonymous_session.session_key

    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 302

    new_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not SessionStore().exists(old_key)
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.real_session_resolution
def test_signing_in_stamps_the_session_with_the_time(signed_in):
    client, _ = signed_in
    now = timezone.now().timestamp()
    assert now - 5 <= client.session[SIGNED_IN_AT] <= now
    assert client.session[LAST_SEEN_AT] == client.session[SIGNED_IN_AT]


@pytest.mark.real_session_resolution
def test_a_session_used_within_the_idle_timeout_goes_on(signed_in):
    client, _ = signed_in
    set_session_times(client, last_seen_ago=datetime.timedelta(minutes=59))
    assert client.get(reverse("home")).status_code == 200
    assert timezone.now().timestamp() - client.session[LAST_SEEN_AT] < 5  # the request counts as activity


@pytest.mark.real_session_resolution
def test_last_seen_is_written_at_most_once_a_minute(signed_in):
    """So most requests do not write the session: a request within the minute leaves "last
    seen" as it was; the first a minute or more after it writes it again."""
    client, _ = signed_in
    set_session_times(client, last_seen_ago=datetime.timedelta(seconds=30))
    before = client.session[LAST_SEEN_AT]
    assert client.get(reverse("home")).status_code == 200
    assert client.session[LAST_SEEN_AT] == before
    set_session_times(client, last_seen_ago=datetime.timedelta(seconds=61))
    assert client.get(reverse("home")).status_code == 200
    assert timezone.now().timestamp() - client.session[LAST_SEEN_AT] < 5


def test_every_other_test_writes_last_seen_at_most_once_a_day():
    """tests/conftest.py: so a pinned query count never gains a session write when a minute
    passes between a test's requests on a busy machine."""
    assert session_security.LAST_SEEN_RESOLUTION == 24 * 60 * 60


@pytest.mark.real_session_resolution
def test_an_idle_session_is_signed_out_with_a_message(signed_in):
    client, _ = signed_in
    set_session_times(client, last_seen_ago=datetime.timedelta(minutes=60))

    response = client.get(reverse("my_actions"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('my_actions')}"
    assert not is_signed_in(client)
    page = client.get(response.url).content.decode()
    assert "You were signed out because you had not used the tracker for 1 hour." in page


@pytest.mark.real_session_resolution
def test_a_session_ends_at_its_absolute_lifetime_however_active(signed_in):
    client, _ = signed_in
    set_session_times(
        client, signed_in_ago=datetime.timedelta(hours=11, minutes=59), last_seen_ago=datetime.timedelta()
    )
    assert client.get(reverse("home")).status_code == 200

    set_session_times(client, signed_in_ago=datetime.timedelta(hours=12), last_seen_ago=datetime.timedelta())
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert not is_signed_in(client)
    assert "You were signed out because you had been signed in for 12 hours." in response.content.decode()


@pytest.mark.real_session_resolution
def test_an_expired_session_asking_for_the_sign_in_page_gets_it_without_a_loop(signed_in):
    client, _ = signed_in
    set_session_times(client, last_seen_ago=datetime.timedelta(hours=2))
    response = client.get(reverse("login"), follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "You were signed out because" in response.content.decode()


@pytest.mark.real_session_resolution
def test_a_session_without_times_counts_from_the_last_sign_in(db):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    session = client.session
    for key in (SIGNED_IN_AT, LAST_SEEN_AT):
        session.pop(key, None)
    session.save()

    assert client.get(reverse("home")).status_code == 200
    user.last_login = timezone.now() - datetime.timedelta(hours=13)
    user.save(update_fields=["last_login"])
    assert client.get(reverse("home")).status_code == 302
    assert not is_signed_in(client)


@pytest.mark.real_session_resolution
def test_a_session_without_times_or_last_login_is_stamped_at_its_first_request(db):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    session = client.session
    for key in (SIGNED_IN_AT, LAST_SEEN_AT):
        session.pop(key, None)
    session.save()
    type(user).objects.filter(pk=user.pk).update(last_login=None)

    assert client.get(reverse("home")).status_code == 200
    assert timezone.now().timestamp() - client.session[SIGNED_IN_AT] < 5
    set_session_times(client, signed_in_ago=datetime.timedelta(hours=12))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.real_session_resolution
def test_the_session_lifetimes_come_from_settings(signed_in, settings):
    client, _ = signed_in
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 15
    set_session_times(client, last_seen_ago=datetime.timedelta(minutes=15))
    response = client.get(reverse("home"), follow=True)
    assert "you had not used the tracker for 15 minutes" in response.content.decode()


@pytest.mark.real_session_resolution
def test_a_deactivated_user_is_signed_out_on_their_next_request(signed_in):
    client, user = signed_in
    assert client.get(reverse("home")).status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert isinstance(response.wsgi_request.user, AnonymousUser)


def test_a_deactivated_user_cannot_sign_in(db):
    user = UserFactory(is_active=False)
    client = Client()
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 200
    assert not is_signed_in(client)


# --- Password reset by e-mail ----------------------------------------------------------------

NEW_PASSWORD = "a-long-new-passphrase-for-the-tracker"


def reset_link(client, user):
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reset your password for the action plan tracker"
    assert f"({user.username})" in message.body
    assert "within an hour" in message.body
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


def test_the_whole_password_reset_flow(db):
    user = UserFactory()
    client = Client()
    link = reset_link(client, user)
    assert "on the Partnership action plan tracker" in mail.outbox[-1].body

    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")

    assert sign_in(Client(), user.username, TEST_PASSWORD).status_code == 200  # the old one no longer works
    client = Client()
    assert sign_in(client, user.username, NEW_PASSWORD).status_code == 302
    assert is_signed_in(client)
    # The link works once.
    assert "The link has expired" in Client().get(link, follow=True).content.decode()


def opened_after(monkeypatch, link, minutes):
    later = datetime.datetime.now() + datetime.timedelta(minutes=minutes)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    return Client().get(link, follow=True).content.decode()


def test_a_reset_link_works_for_an_hour(db, monkeypatch):
    link = reset_link(Client(), UserFactory())
    assert "Choose a new password" in opened_after(monkeypatch, link, 59)
    assert "The link has expired" in opened_after(monkeypatch, link, 61)


def test_no_email_goes_to_an_unknown_address_and_the_page_does_not_say_so(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("weak_password", "message"),
    [
        ("password1234", "This password is too common."),
        ("short-pass", "This password is too short. It must contain at least 12 characters."),
        ("402918374650", "This password is entirely numeric."),
    ],
)
def test_a_weak_new_password_is_refused_with_a_clear_message(db, weak_password, message):
    user = UserFactory()
    client = Client()
    response = client.get(reset_link(client, user), follow=True)
    form_url = response.redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": weak_password, "new_password2": weak_password})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# --- Error pages ------------------------------------------------------------------------------


def test_a_form_sent_without_a_csrf_token_gets_our_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "someone", "password": "anything"})
    assert response.status_code == 403
    assert "403_csrf.html" in [template.name for template in response.templates]
    content = response.content.decode()
    assert "Your form could not be sent" in content
    assert django_settings.TRACKER_SERVICE_NAME in content  # rendered with the request's context
    assert "open for a long time" in content
    assert "blocks cookies" in content


def test_the_csrf_page_links_back_to_the_form_on_this_site_only(db):
    client = Client(enforce_csrf_checks=True)
    login_url = f"http://testserver{reverse('login')}"
    response = client.post(reverse("login"), {}, HTTP_REFERER=login_url)
    assert f'href="{login_url}">Go back to the form' in response.content.decode()

    response = client.post(reverse("login"), {}, HTTP_REFERER="https://evil.example.com/login/")
    assert "evil.example.com" not in response.content.decode()


def test_a_missing_page_gets_our_404(officer_client):
    response = officer_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_gets_our_403(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_the_404_page_renders_for_anyone(db):
    request = RequestFactory().get("/gone/")
    request.user = AnonymousUser()
    response = defaults.page_not_found(request, Http404())
    assert "Page not found" in response.content.decode()


def test_the_500_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the service" in content
    assert "css/app.css" in content


# --- Settings from the environment ------------------------------------------------------------

PRINT_SETTINGS = (
    "from django.conf import settings as s;"
    "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds() // 60), s.AXES_LOCKOUT_PARAMETERS,"
    " s.SESSION_IDLE_TIMEOUT_MINUTES, s.SESSION_ABSOLUTE_TIMEOUT_HOURS, s.TRUSTED_PROXY_COUNT, s.EMAIL_BACKEND)"
)


def test_sign_in_settings_have_council_defaults():
    result = run_manage("shell", "--verbosity", "0", "-c", PRINT_SETTINGS, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "5",
        "30",
        "[['username',",
        "'ip_address']]",
        "60",
        "12",
        "0",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_sign_in_settings_come_from_the_environment():
    env = dict(
        PRODUCTION_ENV,
        AXES_FAILURE_LIMIT="10",
        AXES_COOLOFF_MINUTES="15",
        SESSION_IDLE_TIMEOUT_MINUTES="20",
        SESSION_ABSOLUTE_TIMEOUT_HOURS="8",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_HOST="smtp.example.org",
    )
    result = run_manage("shell", "--verbosity", "0", "-c", PRINT_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["10", "15"]
    assert result.stdout.split()[4:] == ["20", "8", "1", "django.core.mail.backends.smtp.EmailBackend"]


def test_a_zero_failure_limit_is_refused():
    result = run_manage("check", env=dict(PRODUCTION_ENV, AXES_FAILURE_LIMIT="0"))
    assert result.returncode != 0
    assert "AXES_FAILURE_LIMIT must be 1 or more" in result.stderr


@pytest.mark.django_db
def test_migrations_create_no_accounts():
    """Only the demo command makes accounts: a freshly migrated database has none."""
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
