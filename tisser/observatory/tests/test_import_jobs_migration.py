"""The data migrations that move the HelloAsso, indicator and Sirene import jobs onto the core
engine's table (memberships 0007, observatory 0003 and 0004): run backwards, given jobs as the old
code wrote them, then forwards; each job keeps its file, its state and its old number."""

BEFORE = [
    ("core", "0004_merge_0002_webhooks_0003_import_attempts"),
    ("memberships", "0006_membership_validated_index"),
    ("observatory", "0002_shortlistinvitation"),
]
AFTER = [
    ("memberships", "0007_payment_imports_on_the_engine"),
    ("observatory", "0004_sirene_imports_on_the_engine"),
]


def test_old_jobs_move_to_the_engine_with_their_file_and_number(migrator):
    old = migrator(BEFORE)
    PaymentImport = old.get_model("memberships", "PaymentImport")
    Indicator = old.get_model("observatory", "Indicator")
    IndicatorImport = old.get_model("observatory", "IndicatorImport")
    raw = "Référence commande;Date;Email payeur;Montant tarif;Nom\r\n1;12/01/2026;a@b.fr;5;X\r\n"
    checked = PaymentImport.objects.create(
        filename="export.csv", status="checked", raw=raw.encode(), total=1,
        report={"rows": [{"line": 2, "name": "X", "errors": [], "skipped": "",
                          "duplicate": False}]},
    )  # fmt: skip
    running = PaymentImport.objects.create(filename="gros.csv", status="running", raw=b"x")
    indicator = Indicator.objects.create(name="Déchets", slug="dechets", theme="waste")
    done = IndicatorImport.objects.create(
        indicator=indicator, filename="v.csv", status="done", total=1, done=1,
        rows=[{"line": 2, "level": "commune", "code": "80016", "year": 2024, "value": 1.5}],
        created_count=1,
    )  # fmt: skip

    SireneImport = old.get_model("observatory", "SireneImport")
    sirene = SireneImport.objects.create(
        units_path="/data/sirene/StockUniteLegale.zip",
        establishments_path="/data/sirene/StockEtablissement.zip",
        territory="dep-80", status="done",
        report={"rows_read": 10, "matched": 3, "organisations": 2, "created": 2,
                "completed": 0, "unchanged": 0},
    )  # fmt: skip

    new = migrator(AFTER)
    ImportJob = new.get_model("core", "ImportJob")
    ImportChunk = new.get_model("core", "ImportChunk")
    moved = ImportJob.objects.get(kind="helloasso", options__legacy_id=checked.pk)
    assert moved.status == "checked" and moved.total == 1 and moved.filename == "export.csv"
    assert moved.preview[0]["label"] == "X" and moved.preview[0]["action"] == "create"
    stored = b"".join(bytes(c.data) for c in ImportChunk.objects.filter(job=moved))
    assert stored.decode() == raw
    # its worker belonged to the old pipeline: staff restart it
    assert ImportJob.objects.get(options__legacy_id=running.pk, kind="helloasso").status == (
        "interrupted"
    )
    values = ImportJob.objects.get(kind="indicators", options__legacy_id=done.pk)
    assert values.options["indicator"] == indicator.pk and values.status == "done"
    assert values.counts["run"] == {"created": 1, "updated": 0}
    text = b"".join(bytes(c.data) for c in ImportChunk.objects.filter(job=values)).decode()
    assert text.splitlines()[1].startswith("80016;2024;1.5;commune")
    sirene_job = ImportJob.objects.get(kind="sirene", options__legacy_id=sirene.pk)
    assert sirene_job.filename == "StockEtablissement.zip" and sirene_job.status == "done"
    assert sirene_job.options["territory"] == "dep-80"
    assert sirene_job.counts["run"]["created"] == 2 and sirene_job.counts["rows_read"] == 10
