"""A merge and an edit of one of the two records at the same moment, against PostgreSQL,
each in its own thread and connection: the merge locks both rows, so an edit made first
is merged in, and an edit arriving during the merge is refused instead of bringing the
merged-away record back."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tisser.directory import engagement
from tisser.directory.contacts import merging_people, services
from tisser.directory.models import MergedPerson, Person
from tisser.events.models import Registration

from .engagement_data import build

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set DATABASE_URL=postgres://…)")


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # the test inspects what each side got
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_edit_holding_the_row_is_merged_in(db):
    data = build()
    keep, dup = data["keep"], data["dup"]
    Person.objects.filter(pk=keep.pk).update(phone="")
    locked, results, order = threading.Event(), {}, []

    def edit():
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=dup.pk)
            locked.set()
            person.phone = "07 00 00 00 07"
            person.save()
            threading.Event().wait(0.5)  # the merge is waiting on the row meanwhile
            order.append("edit committed")
        return person.phone

    def merge():
        locked.wait(10)
        kept = merging_people.merge_people(
            Person.objects.get(pk=keep.pk), Person.objects.get(pk=dup.pk), author=None
        )
        order.append("merge done")
        return kept

    threads = [_in_thread(edit, results, "edit"), _in_thread(merge, results, "merge")]
    for thread in threads:
        thread.join(30)
    assert not isinstance(results["merge"], Exception), results["merge"]
    assert order == ["edit committed", "merge done"]
    kept = Person.objects.get(pk=keep.pk)
    assert kept.phone == "07 00 00 00 07"  # the edit was not lost
    assert not Person.objects.filter(pk=dup.pk).exists()
    assert Registration.objects.get().person_id == kept.pk


class _SlowContributor(engagement.Contributor):
    """Holds the merge open long enough for the edit to arrive while the rows are locked."""

    def __init__(self, started):
        self.started = started

    def merge_people(self, keep, duplicate):
        self.started.set()
        threading.Event().wait(0.5)


def test_an_edit_during_the_merge_is_refused_and_never_resurrects_the_record(db):
    data = build()
    keep, dup = data["keep"], data["dup"]
    started, results = threading.Event(), {}
    slow = _SlowContributor(started)
    engagement.register(slow)
    try:

        def merge():
            return merging_people.merge_people(
                Person.objects.get(pk=keep.pk), Person.objects.get(pk=dup.pk), author=None
            )

        def edit():
            started.wait(10)
            return services.update_person(
                Person.objects.get(pk=dup.pk), {"first_name": "Clara", "last_name": "Benali"}
            )

        threads = [_in_thread(merge, results, "merge"), _in_thread(edit, results, "edit")]
        for thread in threads:
            thread.join(30)
    finally:
        engagement.unregister(slow)
    assert not isinstance(results["merge"], Exception), results["merge"]
    assert isinstance(results["edit"], ValidationError)
    assert not Person.objects.filter(pk=dup.pk).exists()
    assert MergedPerson.objects.get(old_id=dup.pk).person_id == keep.pk
    assert Person.objects.get(pk=keep.pk).first_name == "Claire"
