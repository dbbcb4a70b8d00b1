"""Creating many rows at once (actionplans.kernel.bulk.create_all): each checked as full_clean()
checks it but without a query, all written or none, the row the database refuses named with the
message full_clean() gives for it, and each in the history as a save records it."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from actionplans.kernel import bulk
from actionplans.kernel.bulk import RowRefused
from partners.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def organisations(*names: str) -> list[Organisation]:
    return [Organisation(name=name, kind=OrganisationKind.OTHER) for name in names]


def counts() -> tuple[int, int]:
    return Organisation.objects.count(), Organisation.history.count()


def test_each_object_is_written_with_its_history_as_a_save_records_it():
    created = bulk.create_all(Organisation, organisations("Youth Forum", "Connexions"))
    assert [organisation.pk is not None for organisation in created] == [True, True]
    for organisation in created:
        [record] = Organisation.history.filter(id=organisation.pk)
        assert (record.history_type, record.history_change_reason, record.name) == ("+", None, organisation.name)


def test_an_object_failing_its_checks_is_named_before_anything_is_written():
    before = counts()
    with pytest.raises(RowRefused) as refused:
        bulk.create_all(Organisation, organisations("Youth Forum", "x" * 201, "Connexions"))
    assert refused.value.index == 1
    assert refused.value.error.message_dict == {"name": ["Ensure this value has at most 200 characters (it has 201)."]}
    assert counts() == before


def test_the_object_the_database_refuses_is_named_with_its_message_and_nothing_is_written():
    OrganisationFactory(name="Connexions")
    before = counts()
    with pytest.raises(RowRefused) as refused:
        bulk.create_all(Organisation, organisations("Youth Forum", "Connexions", "Sure Start"))
    assert refused.value.index == 1
    assert refused.value.error.messages == ["Organisation with this Name already exists."]
    assert counts() == before


def test_two_new_objects_that_clash_name_the_second_with_the_databases_error():
    before = counts()
    with pytest.raises(RowRefused) as refused:
        bulk.create_all(Organisation, organisations("Youth Forum", "Sure Start", "Youth Forum"))
    assert refused.value.index == 2
    assert isinstance(refused.value.error, IntegrityError)
    assert counts() == before


def test_the_queries_do_not_grow_with_the_objects():
    def queries(names):
        with CaptureQueriesContext(connection) as captured:
            bulk.create_all(Organisation, organisations(*names))
        return len(captured)

    # Two savepoints (create_all's and the audited queryset's), the INSERT, the history INSERT,
    # the savepoints released.
    assert queries([f"Partner {n}" for n in range(2)]) == queries([f"Charity {n}" for n in range(40)]) == 6
