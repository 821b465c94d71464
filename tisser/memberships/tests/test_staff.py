"""Staff pages: the filtered list, validating, recording payments, exports, the fee
schedule, statistics and the certificate."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from tisser.directory.contacts.services import create_organisation
from tisser.directory.models import Organisation
from tisser.memberships import services
from tisser.memberships.models import FeeRule, Membership, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, make_user):
    user = make_user("equipe@example.org", staff_role="editor")
    client.force_login(user)
    return user


@pytest.fixture
def memberships(years, colleges, communes, fees):
    lille = create_organisation({"name": "Les Anges Gardins", "commune": communes["lille"]})
    arras = create_organisation({"name": "APRR", "commune": communes["arras"]})
    roubaix = create_organisation({"name": "Coop Roubaix", "commune": communes["roubaix"]})
    year = years["current"]
    a, _ = services.request_membership(lille, year, college=colleges["ess"], amount_due=50)
    b, _ = services.request_membership(arras, year, college=colleges["reseaux"], amount_due=120)
    c, _ = services.request_membership(roubaix, years["previous"], college=colleges["ess"])
    services.validate_membership(b)
    services.validate_membership(c)
    return {"lille": a, "arras": b, "roubaix_old": c}


def names(response):
    return [m.organisation.name for m in response.context["page"]]


def test_list_filters(client, staff, memberships, years, colleges):
    url = reverse("memberships:staff_memberships")
    assert len(names(client.get(url))) == 3
    year = years["current"].year
    assert sorted(names(client.get(url, {"year": year}))) == ["APRR", "Les Anges Gardins"]
    assert names(client.get(url, {"status": "pending"})) == ["Les Anges Gardins"]
    assert names(client.get(url, {"college": "reseaux-et-federations"})) == ["APRR"]
    assert names(client.get(url, {"territory": "dep-62"})) == ["APRR"]
    assert sorted(names(client.get(url, {"territory": "dep-59"}))) == [
        "Coop Roubaix",
        "Les Anges Gardins",
    ]
    assert names(client.get(url, {"q": "anges"})) == ["Les Anges Gardins"]


def test_validate_from_the_list_sets_the_badge(client, staff, memberships):
    membership = memberships["lille"]
    url = reverse("memberships:staff_validate", args=[membership.pk])
    response = client.post(url, {"next": "/gestion/adhesions/?status=pending"})
    assert response["Location"] == "/gestion/adhesions/?status=pending"
    membership.refresh_from_db()
    assert membership.status == "validated" and membership.validated_by == staff
    org = Organisation.objects.get(pk=membership.organisation_id)
    assert org.is_member
    # the badge shows on the organisation's public page
    page = client.get(reverse("directory:organisation", args=[org.slug])).content.decode()
    assert "badge member" in page
    # an outside "next" is not followed
    other = client.post(url, {"next": "https://evil.example.org/"})
    assert other["Location"] == reverse("memberships:staff_detail", args=[membership.pk])


def test_record_a_cheque_and_validate(client, staff, memberships):
    membership = memberships["lille"]
    url = reverse("memberships:staff_detail", args=[membership.pk])
    data = {
        "payment-amount": "50,00",
        "payment-method": "cheque",
        "payment-paid_on": "2026-03-02",
        "payment-reference": "Chèque n° 1234567",
        "payment-validate": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.recorded_by) == (
        Decimal("50.00"),
        "cheque",
        staff,
    )
    membership.refresh_from_db()
    assert membership.status == "validated"


def test_a_bad_payment_is_refused_and_kept(client, staff, memberships):
    membership = memberships["lille"]
    url = reverse("memberships:staff_detail", args=[membership.pk])
    response = client.post(
        url,
        {
            "payment-amount": "beaucoup",
            "payment-method": "helloasso",  # not a staff method
            "payment-paid_on": "2026-03-02",
            "payment-reference": "Virement APES",
        },
    )
    assert response.status_code == 200
    assert set(response.context["payment_form"].errors) == {"amount", "method"}
    assert "Virement APES" in response.content.decode()
    assert not Payment.objects.exists()


def test_cancel_and_change_college(client, staff, memberships, colleges):
    membership = memberships["arras"]
    client.post(
        reverse("memberships:staff_college", args=[membership.pk]),
        {"college": colleges["ess"].pk},
    )
    membership.refresh_from_db()
    assert membership.college == colleges["ess"]
    client.post(reverse("memberships:staff_cancel", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == "cancelled"
    assert not Organisation.objects.get(pk=membership.organisation_id).is_member


def test_csv_and_xlsx_exports_follow_the_filters(client, staff, memberships, years):
    year = years["current"].year
    response = client.get(
        reverse("memberships:staff_export", args=["csv"]), {"year": year, "status": "validated"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["id", "annee", "organisation"]
    assert [r[2] for r in rows[1:]] == ["APRR"]
    response = client.get(reverse("memberships:staff_export", args=["xlsx"]), {"year": year})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(values) == ["APRR", "Les Anges Gardins"]


def test_fee_schedule_edit_with_bad_input_kept(client, staff, years):
    year = years["current"].year
    url = reverse("memberships:staff_fee_create", args=[year])
    response = client.post(url, {"label": "Soutien", "amount": "-4", "order": "0"})
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert 'value="Soutien"' in response.content.decode()
    response = client.post(
        url,
        {
            "label": "Soutien",
            "legal_form": "autre",
            "amount": "15,50",
            "allows_free_amount": "on",
            "order": "3",
        },
    )
    assert response.status_code == 302
    rule = FeeRule.objects.get(label="Soutien")
    assert rule.amount == Decimal("15.50") and rule.allows_free_amount
    edit = reverse("memberships:staff_fee_edit", args=[year, rule.pk])
    client.post(edit, {"label": "Soutien libre", "amount": "20", "order": "3"})
    rule.refresh_from_db()
    assert rule.label == "Soutien libre" and rule.amount == Decimal("20")
    # copy to next year, then delete
    next_year = years["next"].year
    client.post(reverse("memberships:staff_fee_copy", args=[next_year]), {"source": year})
    assert FeeRule.objects.filter(year=years["next"], label="Soutien libre").exists()
    client.post(reverse("memberships:staff_fee_delete", args=[year, rule.pk]))
    assert not FeeRule.objects.filter(pk=rule.pk).exists()
    fees_page = client.get(reverse("memberships:staff_fees"), {"year": next_year})
    assert "Soutien libre" in fees_page.content.decode()


def test_statistics_count_retention(client, staff, years, colleges, communes):
    previous, current = years["previous"], years["current"]
    orgs = [
        create_organisation({"name": f"Structure {n}", "commune": communes["lille"]})
        for n in range(4)
    ]
    for org in orgs[:3]:
        m, _ = services.request_membership(org, previous, college=colleges["ess"])
        services.validate_membership(m)
    for org in orgs[1:]:
        m, _ = services.request_membership(org, current, college=colleges["ess"])
        services.validate_membership(m)
    response = client.get(reverse("memberships:staff_statistics"))
    rows = {r["year"]: r for r in response.context["per_year"]}
    assert rows[previous.year]["members"] == 3
    assert (rows[current.year]["members"], rows[current.year]["renewed"]) == (3, 2)
    assert rows[current.year]["new"] == 1 and rows[current.year]["retention"] == 67
    by_college = {r["label"]: r["count"] for r in response.context["by_college"]}
    assert by_college["Structures de l'ESS"] == 3
    assert response.context["by_territory"][0]["label"] == "Nord"
    body = response.content.decode()
    assert "67 %" in body and 'class="bars"' in body


def test_certificate_is_a_pdf(client, staff, memberships):
    response = client.get(reverse("memberships:certificate", args=[memberships["arras"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"/Type /Page" in response.content
    assert len(response.content) > 2000
    pending = client.get(reverse("memberships:certificate", args=[memberships["lille"].pk]))
    assert pending.status_code == 404


def test_the_map_shows_the_member_badge(client, memberships):
    org = Organisation.objects.get(pk=memberships["arras"].organisation_id)
    assert org.is_member
    Organisation.objects.filter(pk=org.pk).update(latitude=50.29, longitude=2.78)
    response = client.get(reverse("directory:map_list"))
    assert "badge member" in response.content.decode()
    assert Membership.objects.filter(organisation=org, status="validated").exists()


def test_validating_tells_the_representative_once_over_smtp(
    client, staff, years, smtp_server, django_capture_on_commit_callbacks
):
    from tisser.directory.models import Person

    org = create_organisation({"name": "La Manufacture du Coquelicot"})
    rep = Person.objects.create(first_name="Lou", email="lou@coquelicot.example.org")
    membership, _ = services.request_membership(org, years["current"], representative=rep)
    url = reverse("memberships:staff_validate", args=[membership.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # validating again tells nobody
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["lou@coquelicot.example.org"]]
    message = smtp_server.messages[0]
    assert "validée" in message["Subject"]
    assert "/adhesion/mes-adhesions/" in message.get_body(("plain",)).get_content()


def test_certificate_prints_french_names_in_the_bundled_font(memberships, settings):
    import io

    from pypdf import PdfReader

    from tisser.memberships import certificate

    settings.TISSER_PDF_FONT = "/nowhere/missing.ttf"  # whatever the system has
    membership = memberships["arras"]
    Organisation.objects.filter(pk=membership.organisation_id).update(name="Cœur d’Artois")
    membership.refresh_from_db()
    pdf = certificate.certificate_pdf(membership)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Cœur d’Artois" in text and b"DejaVu" in pdf


def test_admin_lists_memberships_read_only(client, memberships, role_users):
    from tisser.accounts.models import User

    User.objects.filter(pk=role_users["admin"].pk).update(is_superuser=True, is_staff=True)
    client.force_login(User.objects.get(pk=role_users["admin"].pk))
    for model in ("college", "membershipyear", "feerule", "membership", "payment", "reminder"):
        response = client.get(f"/admin/memberships/{model}/")
        assert response.status_code == 200, model
    membership = memberships["lille"]
    response = client.post(
        f"/admin/memberships/membership/{membership.pk}/change/", {"status": "validated"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == "pending"
