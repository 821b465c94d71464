"""Writes the demo network: bulk inserts in one transaction, skipping what is already there.

Idempotent by slug: an actor whose slug exists is left alone (with its people), so a
second run with the same seed adds nothing, and a bigger size only adds the actors beyond
the ones already loaded. Fast: every organisation goes through `refresh_derived_fields`,
then rows are written in batches of 5,000 (COPY on PostgreSQL, one prepared INSERT on
SQLite; see `bulk.py`) with their category links, people, affiliations and consents, and
no per-row query; big loads build their indexes once at the end, then ANALYZE.
"""

import time
from collections.abc import Iterator
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from tisser.directory.map.search import install_search_index, remove_search_index
from tisser.directory.map.totals import install_map_totals, remove_map_totals
from tisser.territories.models import Commune

from ..indexing import categories_in_order, refresh_derived_fields
from ..models import Affiliation, Category, Consent, Organisation, Person
from .bulk import BulkInserter, DeferredIndexes, lock_tables, next_id, reset_sequences
from .generator import ActorSpec, NetworkGenerator
from .real_actors import REAL_ACTORS
from .users import ensure_demo_users
from .vocabulary import CATEGORIES, DEPARTEMENTS

BATCH_SIZE = 5000
BIG_LOAD = 20_000  # from this size on, indexes are built once at the end instead of per row
CONSENT_WORDING = {
    "contact": "J'accepte que le réseau me contacte au sujet de ses activités.",
    "newsletter": "Je souhaite recevoir l'infolettre mensuelle du réseau.",
}
CONSENT_SOURCE = "Réseau de démonstration"
LOADED_MODELS = (Organisation, Organisation.categories.through, Person, Affiliation, Consent)


class TerritoriesMissing(RuntimeError):
    """The communes the demo places its actors in are not loaded."""


def demo_communes() -> list[Commune]:
    communes = list(
        Commune.objects.filter(
            departement_id__in=DEPARTEMENTS, latitude__isnull=False, longitude__isnull=False
        )
        .defer("outline")
        .order_by("code")
    )
    if not communes:
        raise TerritoriesMissing(
            "No commune of départements 02, 59, 60, 62 and 80 with coordinates is loaded: "
            "run `manage.py load_territories` first, then `manage.py load_demo` again."
        )
    return communes


def ensure_categories() -> dict[str, Category]:
    """The demo taxonomy; categories the network already has (by slug or name) are kept."""
    existing = {c.slug: c for c in Category.objects.all()}
    by_name = {c.name: c for c in existing.values()}
    missing = [
        Category(slug=slug, name=name, color=colour, position=position)
        for position, (slug, name, colour) in enumerate(CATEGORIES)
        if slug not in existing and name not in by_name
    ]
    Category.objects.bulk_create(missing)
    found = {c.slug: c for c in Category.objects.all()}
    for slug, name, _colour in CATEGORIES:
        if slug not in found and name in by_name:
            found[slug] = by_name[name]
    return found


def actor_specs(size: int, seed: int, communes: list[Commune]) -> Iterator[ActorSpec]:
    """The real actors of the seeds first (always), then invented ones up to `size` in all."""
    generator = NetworkGenerator(communes, seed)
    by_code = {c.code: c for c in communes}
    real = [
        generator.real_actor(d, by_code[d["commune"]])
        for d in REAL_ACTORS
        if d["commune"] in by_code
    ]
    yield from real
    for index in range(max(0, size - len(real))):
        yield generator.actor(index)


ORGANISATION_FIELDS = (
    "name", "slug", "legal_form", "siret", "address", "postcode", "latitude", "longitude",
    "geo_precision", "website", "email", "phone", "description", "workforce", "status",
    "is_member",
)  # fmt: skip


class _Writer:
    """Writes batches of actor specs; keeps what exists so nothing is inserted twice."""

    def __init__(self, categories: dict[str, Category]):
        now = timezone.now()
        self.categories = categories
        self.category_order = categories_in_order()
        lock_tables(Organisation, Person)
        self.slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.sirets = set(Organisation.objects.exclude(siret="").values_list("siret", flat=True))
        self.emails = set(Person.objects.exclude(email="").values_list("email", flat=True))
        self.org_id = next_id(Organisation)
        self.person_id = next_id(Person)
        self.orgs = BulkInserter(Organisation, now)
        self.links = BulkInserter(Organisation.categories.through, now, with_pk=False)
        self.people = BulkInserter(Person, now)
        self.affiliations = BulkInserter(Affiliation, now, with_pk=False)
        self.consents = BulkInserter(Consent, now, with_pk=False)
        self.commune_field = Organisation._meta.get_field("commune")
        self.counts = dict.fromkeys(
            ("organisations", "skipped", "category_links", "people", "affiliations", "consents"),
            0,
        )

    def _organisation(self, spec: ActorSpec) -> Organisation:
        org = self.orgs.new_instance(
            id=self.org_id,
            commune_id=spec.commune.pk,
            **{name: getattr(spec, name) for name in ORGANISATION_FIELDS},
        )
        self.commune_field.set_cached_value(org, spec.commune)
        self.org_id += 1
        if org.siret in self.sirets:  # already someone's: never clash with real data
            org.siret = ""
        elif org.siret:
            self.sirets.add(org.siret)
        self.slugs.add(org.slug)
        category_ids = [self.categories[s].pk for s in spec.categories if s in self.categories]
        return refresh_derived_fields(org, category_ids, self.category_order)

    def has_fresh(self, specs: list[ActorSpec]) -> bool:
        return any(s.slug not in self.slugs for s in specs)

    def write(self, specs: list[ActorSpec]) -> None:
        fresh = [s for s in specs if s.slug not in self.slugs]
        self.counts["skipped"] += len(specs) - len(fresh)
        if not fresh:
            return
        orgs = [self._organisation(s) for s in fresh]
        self.orgs.insert([self.orgs.row(org.__dict__) for org in orgs])
        self.counts["organisations"] += len(orgs)

        links = [
            (org.pk, self.categories[slug].pk)
            for org, spec in zip(orgs, fresh, strict=True)
            for slug in spec.categories
            if slug in self.categories
        ]
        self.links.insert(
            [self.links.row({"organisation_id": o, "category_id": c}) for o, c in links]
        )
        self.counts["category_links"] += len(links)
        self._write_people(orgs, fresh)

    def _write_people(self, orgs: list[Organisation], specs: list[ActorSpec]) -> None:
        people, affiliations, consents = [], [], []
        for org, spec in zip(orgs, specs, strict=True):
            for p in spec.people:
                if p.email in self.emails:
                    continue
                self.emails.add(p.email)
                person_id = self.person_id
                self.person_id += 1
                people.append(
                    self.people.row(
                        {
                            "id": person_id,
                            "first_name": p.first_name,
                            "last_name": p.last_name,
                            "email": p.email,
                            "phone": p.phone,
                        }
                    )
                )
                affiliations.append(
                    self.affiliations.row(
                        {
                            "person_id": person_id,
                            "organisation_id": org.pk,
                            "role": p.role,
                            "is_representative": p.is_representative,
                            "source": Affiliation.Source.DEMO,  # verified: the demo set it
                        }
                    )
                )
                consents.extend(
                    self.consents.row(
                        {
                            "person_id": person_id,
                            "purpose": purpose,
                            "given": True,
                            "at": at,
                            "method": method,
                            "wording": CONSENT_WORDING[purpose],
                            "source": CONSENT_SOURCE,
                        }
                    )
                    for purpose, method, at in p.consents
                )
        self.people.insert(people)
        self.affiliations.insert(affiliations)
        self.consents.insert(consents)
        self.counts["people"] += len(people)
        self.counts["affiliations"] += len(affiliations)
        self.counts["consents"] += len(consents)


def analyze() -> None:
    """Refresh planner statistics after a bulk load (PostgreSQL here runs without autovacuum)."""
    tables = [m._meta.db_table for m in LOADED_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute("ANALYZE " + connection.ops.quote_name(table))


def build_demo_network(size: int = 300, seed: int = 1) -> dict:
    """Load (or complete) the demo network of `size` actors; return what was done and how long.

    The actors the newsletters name always come first, then invented ones; the same size
    and seed always give the same network. Raises `TerritoriesMissing` when the communes of
    Hauts-de-France are not loaded.
    """
    started = time.perf_counter()
    communes = demo_communes()
    if connection.vendor == "sqlite":
        # SQLite's default 2 MB page cache thrashes on ten indexes of 200,000 rows.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic():
        writer = _Writer(ensure_categories())
        specs = actor_specs(size, seed, communes)
        indexes = DeferredIndexes(*LOADED_MODELS)
        deferred = False
        while batch := list(islice(specs, BATCH_SIZE)):
            if size >= BIG_LOAD and not deferred and writer.has_fresh(batch):
                # Big load: indexes are built once at the end rather than row by row,
                # the full-text ones too (SQLite's FTS5 table and its triggers, the GINs).
                remove_search_index()
                remove_map_totals()  # SQLite's per-cell totals: counted once at the end
                indexes.drop()
                deferred = True
            writer.write(batch)
        reset_sequences(Organisation, Person)
        if deferred:
            indexes.restore()
            install_search_index()
            install_map_totals()
        users = ensure_demo_users()
    if writer.counts["organisations"] >= 1000:
        analyze()
    return {
        "size": size,
        "seed": seed,
        **writer.counts,
        "users_created": users,
        "seconds": round(time.perf_counter() - started, 2),
    }
