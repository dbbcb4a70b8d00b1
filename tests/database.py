"""What the database itself refuses, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, transaction


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
