"""The hot path's inserts (`core.upsert`) on the models a registration writes: instances
built positionally equal those the keywords build, and values taken as they are equal
what Django's preparation gives."""

import pytest

from tisser.core import upsert

pytestmark = pytest.mark.django_db


def _prepared_by_django(instance, connection):
    """What Django's own preparation gives, field by field (the reference)."""
    fields = upsert.prepared_insert(instance, connection)[0]
    return [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]


def test_values_taken_as_they_are_equal_djangos_preparation():
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from tisser.directory.models import Affiliation, Organisation, Person
    from tisser.events.models import Registration

    person = Person.objects.create(email="prep@example.org", first_name="Ada")
    org = Organisation.objects.create(name="Prep")
    instances = [
        upsert.new_instance(
            Registration,
            person=person,
            organisation=org,
            status=Registration.Status.WAITLISTED,  # a TextChoices member: a str
            tier=Registration.Tier.MEMBER,
            price=Decimal("12.50"),
            language="fr",
            confirm_by=timezone.now() + dt.timedelta(days=2),
        ),
        upsert.new_instance(Registration, person=person, price=None),
        upsert.new_instance(
            Affiliation,
            person=person,
            organisation=org,
            is_representative=True,  # a bool in a boolean field
            claimed_at=None,
            role="Trésorière",
        ),
        Person(email="autre@example.org", first_name=1234, phone=None),  # not a str: converted
    ]
    for instance in instances:
        fields, prepared = upsert.prepared_insert(instance, connection)
        reference = _prepared_by_django(instance, connection)
        stamped = [
            getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields
        ]
        # (the dates stamped on save are stamped anew by each preparation)
        assert [v for v, s in zip(prepared, stamped, strict=True) if not s] == [
            v for v, s in zip(reference, stamped, strict=True) if not s
        ], type(instance).__name__
        assert [type(v) for v in prepared] == [type(v) for v in reference]


def test_new_instance_is_the_instance_the_keywords_build():
    from tisser.directory.models import Affiliation, Organisation, Person

    person = Person.objects.create(email="new@example.org")
    org = Organisation.objects.create(name="Nouvelle")
    built = upsert.new_instance(Affiliation, person=person, organisation_id=org.pk, role="Élue")
    reference = Affiliation(person=person, organisation_id=org.pk, role="Élue")
    for field in Affiliation._meta.concrete_fields:
        assert getattr(built, field.attname) == getattr(reference, field.attname), field.name
    assert built.person is person  # the relation given is kept, not read again
    assert built._state.adding and built.pk is None
    built.save()
    assert Affiliation.objects.get(pk=built.pk).role == "Élue"


def test_new_instance_refuses_what_the_keywords_would():
    from tisser.directory.models import Affiliation, Organisation

    with pytest.raises(TypeError):
        upsert.new_instance(Affiliation, nothing=1)
    with pytest.raises(TypeError):  # a relation given the wrong kind of object
        upsert.new_instance(Affiliation, person=Organisation(name="Pas une personne"))
