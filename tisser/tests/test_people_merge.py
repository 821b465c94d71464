"""One person once: duplicates found beyond the email, then merged after a preview; every
app's rows move through the directory's one extension point (`directory.engagement`)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tisser.directory.contacts import merging_people, queries_people
from tisser.directory.models import Affiliation, Consent, MergedPerson, Person, PersonEvent
from tisser.directory.models_proposals import Proposal
from tisser.events.models import Attendance, Registration
from tisser.governance.models import Candidacy
from tisser.governance.models_groups import GroupMember, WorkingGroup
from tisser.memberships.models import Membership
from tisser.publications.models import Subscription
from tisser.publications.models_sending import Delivery

from .engagement_data import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    with translation.override("en"):
        yield build()


def _merge(data, **kwargs):
    return merging_people.merge_people(data["keep"], data["dup"], author=None, **kwargs)


def test_the_two_records_are_found_as_duplicates(data):
    groups, total = queries_people.possible_duplicate_people()
    assert total == 1
    assert {p.pk for p in groups[0]} == {data["keep"].pk, data["dup"].pk}


def test_same_name_without_a_shared_organisation_or_phone_is_not_a_duplicate(data):
    Person.objects.create(first_name="Claire", last_name="Benali", email="autre@example.org")
    pairs = queries_people.duplicate_pairs()
    assert pairs == [(data["keep"].pk, data["dup"].pk)]


def test_same_phone_in_another_form_is_a_duplicate(db):
    a = Person.objects.create(first_name="Hugo", last_name="Lemaire", phone="06 12 34 56 78")
    b = Person.objects.create(first_name="HUGO", last_name="Lemaire", phone="+33612345678")
    assert queries_people.duplicate_pairs() == [(a.pk, b.pk)]


def test_preview_says_what_moves_and_changes_nothing(data):
    with translation.override("en"):
        preview = merging_people.merge_preview(data["keep"], data["dup"])
    labels = {str(line.label): line.count for line in preview["lines"]}
    assert labels["event registrations"] == 1
    assert labels["memberships where they are the representative"] == 1
    assert labels["newsletter subscriptions"] == 1
    assert labels["emails sent"] == 1
    assert labels["working group memberships"] == 1
    assert labels["candidacies"] == 1
    assert labels["consents"] == 1
    assert preview["blockers"] == []
    phone = next(row for row in preview["fields"] if row["name"] == "phone")
    assert phone["from_duplicate"] and phone["result"] == "+33 6 12 34 56 78"
    assert Person.objects.filter(pk=data["dup"].pk).exists()
    assert Registration.objects.get().person_id == data["dup"].pk


def test_affiliations_combine_verified_beats_claimed(data):
    keep = _merge(data)
    link = Affiliation.objects.get(person=keep, organisation=data["coop"])
    assert link.status == Affiliation.Status.VERIFIED
    assert link.is_representative and link.role == "Co-gérante"
    other = Affiliation.objects.get(person=keep, organisation=data["other"])
    assert other.status == Affiliation.Status.CLAIMED
    assert Affiliation.objects.count() == 2


def test_registrations_move(data):
    keep = _merge(data)
    assert Registration.objects.get().person_id == keep.pk


def test_attendance_moves_with_the_registrations(data):
    from tisser.directory import segments
    from tisser.directory.contacts import queries_segments

    keep = _merge(data)
    came = segments.parse({"condition": "attended", "params": {}})
    assert list(queries_segments.people(came).values_list("pk", flat=True)) == [keep.pk]
    assert Attendance.objects.get().person_id == keep.pk


def test_memberships_move(data):
    keep = _merge(data)
    assert Membership.objects.get().representative_id == keep.pk


def test_subscriptions_and_deliveries_move(data):
    keep = _merge(data)
    assert Subscription.objects.get().person_id == keep.pk
    assert Delivery.objects.get().person_id == keep.pk


def test_a_later_unsubscribe_is_never_undone_by_a_merge(data):
    from django.utils import timezone

    Subscription.objects.create(
        person=data["keep"],
        mailing_list=data["newsletter"],
        status="unsubscribed",
        origin="form",
        unsubscribed_at=timezone.now(),
    )
    keep = _merge(data)
    assert Subscription.objects.get(person=keep).status == "unsubscribed"


def test_working_groups_and_candidacies_move(data):
    GroupMember.objects.create(group=data["group"], person=data["keep"])
    keep = _merge(data)
    assert list(GroupMember.objects.values_list("person_id", flat=True)) == [keep.pk]
    assert WorkingGroup.objects.get().referent_id == keep.pk
    assert Candidacy.objects.get().person_id == keep.pk


def test_consents_proposals_and_history_move(data):
    keep = _merge(data)
    assert Consent.objects.get().person_id == keep.pk
    # The proposal was found by the duplicate's address: it follows the kept address.
    assert Proposal.objects.get().proposer_email == keep.email
    event = PersonEvent.objects.get(person=keep, action=PersonEvent.Action.MERGED)
    assert event.detail["merged_id"] == data["dup"].pk
    assert "phone" in event.detail["filled"]


def test_the_account_moves_and_the_old_number_leads_to_the_kept_record(data, admin_client):
    user = get_user_model().objects.create_user(email="claire.b@example.org", password="x" * 12)
    Person.objects.filter(pk=data["dup"].pk).update(user=user)
    keep = _merge(data)
    assert keep.user_id == user.pk
    assert MergedPerson.objects.get(old_id=data["dup"].pk).person_id == keep.pk
    response = admin_client.get(reverse("directory:staff_person_detail", args=[data["dup"].pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:staff_person_detail", args=[keep.pk])
    timeline = admin_client.get(reverse("directory:staff_person_timeline", args=[data["dup"].pk]))
    assert timeline["Location"] == reverse("directory:staff_person_timeline", args=[keep.pk])


def test_two_accounts_need_a_superuser(data):
    User = get_user_model()
    Person.objects.filter(pk=data["keep"].pk).update(
        user=User.objects.create_user(email="a@example.org", password="x" * 12)
    )
    Person.objects.filter(pk=data["dup"].pk).update(
        user=User.objects.create_user(email="b@example.org", password="x" * 12)
    )
    editor = User.objects.create_user(email="editor@example.org", password="x" * 12)
    keep, dup = Person.objects.get(pk=data["keep"].pk), Person.objects.get(pk=data["dup"].pk)
    with pytest.raises(ValidationError):
        merging_people.merge_people(keep, dup, author=editor, accounts_confirmed=True)
    superuser = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    with pytest.raises(ValidationError):  # a superuser must still confirm
        merging_people.merge_people(keep, dup, author=superuser)
    assert Person.objects.filter(pk=dup.pk).exists()
    kept = merging_people.merge_people(keep, dup, author=superuser, accounts_confirmed=True)
    assert kept.user.email == "a@example.org"
    assert not Person.objects.filter(pk=dup.pk).exists()


def test_a_failing_merge_leaves_both_as_they_were(data, monkeypatch):
    from tisser.publications.engagement import PublicationsContributor

    def broken(self, keep, duplicate):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PublicationsContributor, "merge_people", broken)
    with pytest.raises(RuntimeError):
        _merge(data)
    assert Person.objects.filter(pk=data["dup"].pk).exists()
    assert Registration.objects.get().person_id == data["dup"].pk
    assert Affiliation.objects.filter(person=data["dup"]).count() == 2
    assert not MergedPerson.objects.exists()


def test_two_registrations_to_the_same_session_block_the_merge(data):
    Registration.objects.create(
        event=data["fresque"], session=data["session"], person=data["keep"], status="confirmed"
    )
    preview = merging_people.merge_preview(data["keep"], data["dup"])
    assert preview["blockers"]
    with pytest.raises(ValidationError):
        _merge(data)
    assert Person.objects.filter(pk=data["dup"].pk).exists()


def test_merge_pages_over_http(data, admin_client):
    url = reverse("directory:staff_person_merge")
    query = f"?keep={data['keep'].pk}&duplicate={data['dup'].pk}"
    page = admin_client.get(url + query)
    assert page.status_code == 200
    assert "event registrations" in page.content.decode() or "inscriptions" in (
        page.content.decode()
    )
    assert Person.objects.filter(pk=data["dup"].pk).exists()
    done = admin_client.post(url, {"keep": data["keep"].pk, "duplicate": data["dup"].pk})
    assert done.status_code == 302
    assert not Person.objects.filter(pk=data["dup"].pk).exists()
    again = admin_client.post(url, {"keep": data["keep"].pk, "duplicate": data["dup"].pk})
    assert again.status_code == 302  # already one: said, nothing more done
    assert admin_client.get(reverse("directory:staff_person_duplicates")).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?keep=abc&duplicate=1", "?keep=inf&duplicate=nan", "?keep=1e309&duplicate=2", "?keep=-1"],
)
def test_garbage_ids_give_400_or_a_redirect_never_500(data, admin_client, query):
    response = admin_client.get(reverse("directory:staff_person_merge") + query)
    assert response.status_code in (302, 400, 404)


def test_nul_in_ids_gives_400(data, admin_client):
    response = admin_client.get(reverse("directory:staff_person_merge") + "?keep=1%00&duplicate=2")
    assert response.status_code == 400


def test_unknown_ids_give_404(data, admin_client):
    response = admin_client.get(
        reverse("directory:staff_person_merge") + "?keep=999999&duplicate=999998"
    )
    assert response.status_code == 404
    assert admin_client.get("/gestion/personnes/999999/historique/").status_code == 404
    assert admin_client.get("/gestion/organisations/999999/historique/").status_code == 404


def test_erasing_the_kept_person_removes_the_duplicates_name_from_the_history(data):
    from tisser.directory.contacts import services_privacy

    keep = _merge(data)
    services_privacy.erase_person(keep.pk, actor=None)
    event = PersonEvent.objects.get(person=keep, action=PersonEvent.Action.MERGED)
    assert "merged_name" not in event.detail and event.detail["merged_id"] == data["dup"].pk


def test_a_second_claire_benali_is_not_created_silently(data, admin_client):
    url = reverse("directory:staff_person_create")
    page = admin_client.post(url, {"first_name": "Claire", "last_name": "Benali"})
    assert page.status_code == 200 and page.context["namesakes"]
    assert Person.objects.filter(name_key="benali claire").count() == 2
    done = admin_client.post(
        url, {"first_name": "Claire", "last_name": "Benali", "create_anyway": "1"}
    )
    assert done.status_code == 302
    assert Person.objects.filter(name_key="benali claire").count() == 3
