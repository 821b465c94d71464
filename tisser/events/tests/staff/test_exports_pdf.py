"""Exports and sheets: the XLSX opened with openpyxl, the CSV parsed, the PDFs read back
with pypdf; filters of the list apply to the exports."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tisser.events.models import Registration
from tisser.events.staff import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(course, register, orgs):
    diet = course.questions.get()
    register(
        course,
        "helene@example.org",
        "Hélène",
        "Dupré",
        org=orgs["asso"],
        answers={diet.pk: "végétarien"},
    )
    register(course, "omar@example.org", "Omar", "Benali", org=orgs["scop"])
    register(course, "formula@example.org", "=HYPERLINK(1)", "Zed", org=orgs["scic"])
    return course


def test_xlsx_holds_the_filtered_participants_with_answers(staff_client, filled, orgs):
    url = reverse("events:staff_export", args=[filled.pk, "xlsx"])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "Nom" and "Régime alimentaire" in header
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Dupré", "Benali", "Zed"}
    helene = by_name["Dupré"]
    assert helene[1] == "Hélène" and helene[2] == "helene@example.org"
    assert helene[4] == "Les Jardins de Cocagne" and helene[5] == "Association"
    assert helene[6] == "59" and helene[header.index("Régime alimentaire")] == "végétarien"
    assert by_name["Zed"][1] == "'=HYPERLINK(1)"  # a formula stays text
    # The list's filters narrow the export: the SCOPs of the Pas-de-Calais only.
    response = staff_client.get(url + "?legal_form=scop&territory=62")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Benali"]


def test_csv_export_and_answer_filter(staff_client, filled):
    diet = filled.questions.get()
    url = reverse("events:staff_export", args=[filled.pk, "csv"])
    text = staff_client.get(url + f"?question={diet.pk}&answer=vég").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2 and rows[1][0] == "Dupré"
    assert (
        staff_client.get(reverse("events:staff_export", args=[filled.pk, "pdf"])).status_code == 404
    )


def test_participants_page_filters_and_shows_minimum(staff_client, filled, orgs):
    url = reverse("events:staff_participants", args=[filled.pk])
    page = staff_client.get(url).content.decode()
    assert "Dupré" in page and "Benali" in page
    assert "Minimum de 8 non atteint\u00a0: 5 de plus nécessaires." in page
    page = staff_client.get(url + "?organisation=cocagne").content.decode()
    assert "Dupré" in page and "Benali" not in page
    page = staff_client.get(url + "?payment=paid").content.decode()
    assert "Dupré" not in page


def test_minimum_reached_for_the_course(staff_client, course, register):
    for i in range(8):
        register(course, f"p{i}@example.org", f"P{i}", "Participant")
    page = staff_client.get(reverse("events:staff_participants", args=[course.pk])).content
    assert "Minimum de 8 atteint." in page.decode()


def test_staff_actions_cancel_promote_and_pay(staff_client, fresque, register):
    lens = fresque.sessions_list[0]
    a = register(fresque, "a@example.org", "Ana", "A", session=lens)
    b = register(fresque, "b@example.org", "Bob", "B", session=lens)
    c = register(fresque, "c@example.org", "Chloé", "C", session=lens)
    url = lambda r: reverse("events:staff_registration_action", args=[fresque.pk, r.pk])  # noqa: E731
    assert staff_client.post(url(c), {"action": "promote"}, follow=True).status_code == 200
    c.refresh_from_db()
    assert c.status == "waitlisted"  # full: refused with a message
    response = staff_client.post(url(a), {"action": "cancel"}, follow=True)
    assert "Chloé C" in response.content.decode()  # offered the freed place
    c.refresh_from_db()
    a.refresh_from_db()
    assert a.status == "cancelled" and c.status == "confirmed"
    staff_client.post(url(b), {"action": "payment", "payment_status": "paid"})
    b.refresh_from_db()
    assert b.payment_status == Registration.Payment.PAID


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_badges_pdf_has_names_and_organisations(staff_client, filled):
    response = staff_client.get(reverse("events:staff_badges", args=[filled.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Hélène Dupré" in text and "Les Jardins de Cocagne" in text
    assert "Omar Benali" in text and "Scop Énergie" in text


def test_attendance_sheet_has_a_signature_column_per_day_of_the_course(staff_client, filled):
    response = staff_client.get(reverse("events:staff_sheet", args=[filled.pk]))
    text = _text(response.content)
    assert "DUPRÉ Hélène" in text and "BENALI Omar" in text
    assert text.count("Signature") == 4
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_sheet_for_one_session_of_the_fresque(staff_client, fresque, register):
    lens, lille = fresque.sessions_list
    register(fresque, "a@example.org", "Ana", "Lensoise", session=lens)
    register(fresque, "b@example.org", "Bea", "Lilloise", session=lille)
    url = reverse("events:staff_sheet", args=[fresque.pk]) + f"?session={lens.pk}"
    text = _text(staff_client.get(url).content)
    assert "LENSOISE Ana" in text and "LILLOISE" not in text and text.count("Signature") == 1


def test_pdf_prints_names_with_the_bundled_font_whatever_the_system_has(settings, filled):
    settings.TISSER_PDF_FONT = "/nowhere/missing.ttf"  # a wrong setting falls back to the bundled
    rows = list(filled.registrations.select_related("person", "organisation"))
    text = _text(pdf.badges(filled, rows))
    assert "Hélène Dupré" in text


def test_participants_page_and_export_do_not_query_per_row(
    staff_client, course, register, orgs, django_assert_max_num_queries
):
    """As many queries for 12 participants as for 2 (everything prefetched)."""
    diet = course.questions.get()
    for i in range(2):
        register(
            course, f"a{i}@example.org", "A", f"N{i}", org=orgs["asso"], answers={diet.pk: "x"}
        )
    urls = [
        reverse("events:staff_participants", args=[course.pk]),
        reverse("events:staff_export", args=[course.pk, "xlsx"]),
    ]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as few:
            staff_client.get(url)
        counts.append(len(few))
    for i in range(2, 12):
        org = orgs["scop"] if i % 2 else orgs["scic"]
        register(course, f"a{i}@example.org", "A", f"N{i}", org=org, answers={diet.pk: "y"})
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            staff_client.get(url)
