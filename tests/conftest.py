import pytest

from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory


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
