"""Fixtures every test folder shares: the world (tests/worlds.py), the tracker viewed as at
the demo's day, and a signed-in client for each role of the permission matrix."""

import pytest
from django.test import Client

from actionplans import session_security
from tests.latest import assert_latest_updates_agree
from tests.worlds import AS_AT, World

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _kept_newest_updates_agree(request):
    """After every test that touched the database, whatever it wrote, each action's kept newest
    update (status, RAG, date) agrees with its progress updates recomputed from scratch."""
    if not (DATABASE_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        yield
        return
    # Set the database up (in whatever mode the test asked for) before this fixture, so it is
    # still there when this fixture checks it after the test.
    request.getfixturevalue("db")
    yield
    assert_latest_updates_agree()


@pytest.fixture(autouse=True)
def _last_seen_unwritten(request, monkeypatch):
    """The session's "last seen" time is written (a session save: a query or three) on a request
    at least LAST_SEEN_RESOLUTION (a minute) after the last write. On a busy machine a minute can
    pass between a test's requests, and a pinned query count would then gain that write: so in
    tests it is written at most once a day. The tests of session security itself are marked
    `real_session_resolution` and run with the real value."""
    if request.node.get_closest_marker("real_session_resolution") is None:
        monkeypatch.setattr(session_security, "LAST_SEEN_RESOLUTION", 24 * 60 * 60)


@pytest.fixture
def as_at(settings):
    """View the tracker as at 4 November 2021, an update being due after 90 days (so one
    newer than 6 August 2021 is fresh), whatever the environment says."""
    settings.TRACKER_AS_AT = AS_AT
    settings.TRACKER_REPORTING_CYCLE_DAYS = 90
    return AS_AT


@pytest.fixture
def cast(db):
    """The shared cast (tests/worlds.py), each member made when first asked for."""
    return World()


@pytest.fixture
def world(cast):
    """A test's world: the cast, and what its test file adds. A file extends this with a
    fixture of the same name that takes it (and `db` again: pytest-django sets the database up
    from the fixtures a test's own fixtures name), adds what its tests need and returns it;
    see tests/worlds.py."""
    return World(cast)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# One client per role, each its own Client, so a test may use several side by side (and
# `client` stays anonymous). Each signs in a member of the cast, the person the test's world
# holds under that key unless its file put its own there, without making the rest of the world
# for a test that does not ask for it.


@pytest.fixture
def officer_client(cast):
    """Sue Allan, an officer of the council who leads actions."""
    return signed_in(cast["sue"].user)


@pytest.fixture
def colleague_client(cast):
    """Paul Nugent, of the same council as Sue, with no part in her actions."""
    return signed_in(cast["paul"].user)


@pytest.fixture
def lead_client(cast):
    """Alison Alexander, who leads the plans."""
    return signed_in(cast["alison"].user)


@pytest.fixture
def panel_client(cast):
    """Councillor Bell, a member of the panel."""
    return signed_in(cast["bell"].user)


@pytest.fixture
def outsider_client(cast):
    """Bob Brown, an officer of the police, outside the council's plans."""
    return signed_in(cast["bob"].user)


@pytest.fixture
def support_user(cast):
    """Emily Goodwin's login, in the democratic support group: reads and manages every plan,
    person and body."""
    return cast["emily"].user


@pytest.fixture
def support_client(support_user):
    """Emily Goodwin, democratic support, signed in."""
    return signed_in(support_user)
