import pytest

from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory
from tests.latest import assert_latest_updates_agree

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


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def officer_user(db):
    user = UserFactory(username="officer-a")
    PersonFactory(name="Officer A", user=user)
    return user


@pytest.fixture
def logged_in_client(client, officer_user):
    client.force_login(officer_user)
    return client
