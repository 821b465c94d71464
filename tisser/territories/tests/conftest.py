import pytest
from django.db import connection

from tisser.territories.models import Commune, Departement, Epci, Region
from tisser.territories.services import load_reference_data


@pytest.fixture(scope="module")
def france(django_db_setup, django_db_blocker):
    """All of France, loaded once per test module (2–3 s) and removed after it.

    Committed outside the per-test transactions, so each test still rolls back its own
    changes; the teardown leaves the tables empty for the other apps' tests.
    """
    with django_db_blocker.unblock():
        report = load_reference_data()
    yield report
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Plain DELETEs: the ORM's cascade collection takes seconds on 35,000 rows.
        for model in (Commune, Epci, Departement, Region):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
