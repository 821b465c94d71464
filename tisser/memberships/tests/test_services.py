"""Memberships: the services and the query interface other apps rely on."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tisser.directory.models import Organisation
from tisser.memberships import queries, services
from tisser.memberships.models import Membership, MembershipYear, Payment

pytestmark = pytest.mark.django_db


def test_ensure_year_is_the_calendar_year_and_idempotent():
    year = services.ensure_year(2026)
    assert (year.starts_on, year.ends_on) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert services.ensure_year(2026) == year
    assert MembershipYear.objects.count() == 1
    assert queries.year_containing(datetime.date(2026, 6, 3)) == year
    assert queries.year_containing(datetime.date(2027, 1, 1)) is None


def test_current_year_does_not_write():
    assert queries.current_year() is None
    assert MembershipYear.objects.count() == 0
    services.ensure_current_year()
    assert queries.current_year().year == timezone.localdate().year


def test_fee_most_specific_rule_wins(years, fees, org):
    year = years["current"]
    assert (
        queries.fee_for(year, legal_form="association", workforce="1-2")
        == fees["association_small"]
    )
    assert queries.fee_for(year, legal_form="association", workforce="10-49") == fees["default"]
    assert queries.fee_for(year, legal_form="scop", workforce="10-49") == fees["scop"]
    rule, amount = services.amount_for(year, org)
    assert (rule, amount) == (fees["association_small"], Decimal("30.00"))


def test_free_amount_has_a_minimum(years, fees):
    other = Organisation.objects.create(name="Collectif X", slug="collectif-x", legal_form="autre")
    rule, amount = services.amount_for(years["current"], other, chosen="25")
    assert (rule, amount) == (fees["free"], Decimal("25.00"))
    with pytest.raises(ValidationError) as error:
        services.amount_for(years["current"], other, chosen="5")
    assert "free_amount" in error.value.message_dict


def test_request_is_pending_once_per_year(years, fees, org, colleges):
    membership, created = services.request_membership(
        org, years["current"], college=colleges["ess"], source="form"
    )
    assert created and membership.status == "pending" and membership.amount_due == Decimal("30")
    again, created_again = services.request_membership(org, years["current"])
    assert again == membership and not created_again
    assert not queries.is_member(org)
    assert queries.membership_of(org) == membership
    assert queries.college_of(org) is None  # not validated yet


def test_validate_sets_member_flag_and_queries(years, colleges, org, make_user):
    staff = make_user("staff@example.org", staff_role="editor")
    membership, _ = services.request_membership(org, years["current"], college=colleges["ess"])
    services.validate_membership(membership, staff)
    org.refresh_from_db()
    assert org.is_member
    assert membership.status == "validated" and membership.validated_by == staff
    assert queries.is_member(org)
    assert list(queries.members_in_good_standing()) == [org]
    assert queries.college_of(org) == colleges["ess"]
    last_year = years["previous"].starts_on + datetime.timedelta(days=40)
    assert not queries.is_member(org, on=last_year)
    assert queries.membership_of(org, on=last_year) is None
    assert org.revisions.filter(source="system").exists()
    services.validate_membership(membership, staff)  # idempotent
    assert Membership.objects.filter(organisation=org).count() == 1


def test_validating_next_year_does_not_make_a_member_today(years, org):
    membership, _ = services.request_membership(org, years["next"])
    services.validate_membership(membership)
    org.refresh_from_db()
    assert not org.is_member and not queries.is_member(org)
    assert queries.is_member(org, on=years["next"].starts_on)


def test_cancel_and_lapse_clear_the_flag(years, org):
    membership, _ = services.request_membership(org, years["current"])
    services.validate_membership(membership)
    services.cancel_membership(membership)
    org.refresh_from_db()
    assert not org.is_member
    # a cancelled one does not block a new request
    again, created = services.request_membership(org, years["current"])
    assert created and again != membership
    with pytest.raises(ValidationError):
        services.validate_membership(membership)


def test_refresh_member_flags_handles_a_year_change(years, org):
    stale = Organisation.objects.create(name="Ancienne", slug="ancienne", is_member=True)
    old, _ = services.request_membership(stale, years["previous"])
    services.validate_membership(old)
    Organisation.objects.filter(pk=stale.pk).update(is_member=True)  # as set last year
    # validated directly in the database: the flag is not yet set
    fresh, _ = services.request_membership(org, years["current"])
    Membership.objects.filter(pk=fresh.pk).update(status="validated", validated_at=timezone.now())
    assert services.refresh_member_flags() == {"added": 1, "removed": 1}
    stale.refresh_from_db()
    org.refresh_from_db()
    assert org.is_member and not stale.is_member
    assert services.refresh_member_flags() == {"added": 0, "removed": 0}


def test_new_members_are_first_validations_since(years, org):
    veteran = Organisation.objects.create(name="Vétéran", slug="veteran")
    old, _ = services.request_membership(veteran, years["previous"])
    services.validate_membership(old)
    Membership.objects.filter(pk=old.pk).update(
        validated_at=timezone.now() - datetime.timedelta(days=300)
    )
    renewal, _ = services.request_membership(veteran, years["current"])
    services.validate_membership(renewal)
    newcomer, _ = services.request_membership(org, years["current"])
    services.validate_membership(newcomer)
    since = timezone.localdate() - datetime.timedelta(days=30)
    assert list(queries.new_members(since)) == [org]


def test_payment_external_id_is_recorded_once(years, org):
    membership, _ = services.request_membership(org, years["current"], amount_due=50)
    payment, created = services.record_payment(
        membership, amount="50", method="helloasso", external_id="123", validate=True
    )
    again, created_again = services.record_payment(
        membership, amount="50", method="helloasso", external_id="123", validate=True
    )
    assert created and not created_again and again == payment
    assert Payment.objects.count() == 1
    membership.refresh_from_db()
    assert membership.status == "validated"
    assert queries.amount_paid(membership) == Decimal("50")


def test_payment_rejects_bad_amounts(years, org):
    membership, _ = services.request_membership(org, years["current"])
    for bad in ("0", "-3", "abc"):
        with pytest.raises(ValidationError):
            services.record_payment(membership, amount=bad, method="cheque")
    with pytest.raises(ValidationError):
        services.record_payment(membership, amount="10", method="bitcoin")


def test_vote_weight_and_user_membership(years, colleges, role_users):
    own = role_users["own_organisation"]
    assert queries.vote_weight_of(own) == 0
    assert not queries.user_is_member(role_users["member"])
    membership, _ = services.request_membership(own, years["current"], college=colleges["reseaux"])
    services.validate_membership(membership)
    assert queries.vote_weight_of(own) == 2  # "Réseaux et fédérations" weighs 2 here
    services.set_college(membership, None)
    assert queries.vote_weight_of(own) == 1
    assert queries.user_is_member(role_users["member"])
    assert queries.user_is_member(role_users["representative"])
    assert not queries.user_is_member(role_users["public"])
    assert not queries.user_is_member(None)
    assert not queries.user_is_member(role_users["member"], on=years["next"].starts_on)
