"""In a real browser: upload a file, read the preview, confirm, and watch the progress that
htmx polls while a real worker process commits the import (no page reload by hand)."""

import pytest

from tisser.core.imports.models import ImportJob
from tisser.directory.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.mark.django_db(transaction=True)
def test_import_preview_confirm_and_progress(
    browser,
    live_server,
    celery_worker_process,
    make_user,
    communes,
    categories,
    tmp_path,
):
    make_user("editrice@example.org", staff_role="editor")
    bad = tmp_path / "mauvais.csv"
    bad.write_text("nom;siret;commune\nBonne;;Lille\nMauvaise;123;Lille\n", encoding="utf-8")
    good = tmp_path / "organisations.csv"
    good.write_text(
        "nom;commune;categories\n"
        + "".join(
            f"Structure {n};{'Lille' if n % 2 else 'Roubaix'};alimentation\n" for n in range(150)
        ),
        encoding="utf-8",
    )
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    try:
        page.goto(live_server.url + "/gestion/imports/")
        assert "/compte/connexion/" in page.url  # anonymous: sent to the login page
        page.fill("input[name=username]", "editrice@example.org")
        page.fill("input[name=password]", "motdepasse-solide-42")
        page.click("main button[type=submit]")
        page.wait_for_url("**/gestion/imports/")

        page.set_input_files("input[type=file]", str(bad))
        page.click("main form button[type=submit]")
        row = page.locator("tr.row-error")
        assert row.locator("td").first.inner_text() == "3"  # the spreadsheet's line number
        assert "SIRET" in row.inner_text()
        assert page.locator("form[action$='confirmer/']").count() == 0  # cannot confirm

        page.goto(live_server.url + "/gestion/imports/")
        page.set_input_files("input[type=file]", str(good))
        page.click("main form button[type=submit]")
        counts = page.locator("ul.import-counts li").all_inner_texts()
        assert [" ".join(c.split()) for c in counts] == ["À créer : 150"]
        page.click("form[action$='confirmer/'] button")
        # The fragment polls every second; when the job is done, htmx reloads the page.
        page.wait_for_selector("#import-progress strong:text-is('Terminé')", timeout=90_000)
        assert "150 créées" in page.inner_text("main")
        assert problems == [], problems  # no CSP violation, no script error
    finally:
        context.close()
    job = ImportJob.objects.get(filename="organisations.csv")
    assert job.status == ImportJob.Status.DONE
    assert Organisation.objects.filter(name__startswith="Structure ").count() == 150
