"""Demo publications: what the Infolettre of 28 May 2026 (shared/seeds/001_…) announces —
its events in the agenda, its articles and resources, the rubrics, the lists — and the
issue itself, composed from them. Idempotent: found by slug (events also by title, in
case the events demo made them first), created only when missing.

`INFOLETTRE_28_MAY_BLOCKS` is the composition, block by block: the demo loader and the
acceptance test (which composes it through the staff pages) share it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import services
from .models import (
    Article,
    MailingList,
    Newsletter,
    Resource,
    ResourceCategory,
    Rubric,
)

RUBRICS = [
    ("a-la-une", "À la une"),
    ("vie-de-reseau", "Vie de réseau"),
    ("quoi-de-neuf-dans-les-territoires", "Quoi de neuf dans les territoires"),
    ("recherche-et-developpement", "Recherche et développement"),
    ("les-adherents-portraits", "Les adhérents / portraits"),
    ("veille", "Veille"),
    ("formations-et-accompagnement", "Formations et accompagnement"),
]
RESOURCE_CATEGORIES = [
    ("guides", "Guides"),
    ("rapports", "Rapports d'activité"),
    ("affiches", "Affiches et kits de communication"),
    ("formations-en-ligne", "Formations en ligne"),
]
LISTS = [
    {
        "slug": "infolettre",
        "name": "Infolettre de l'APES",
        "description": "L'Infolettre mensuelle de l'APES Hauts-de-France.",
        "consent_wording": "J'accepte de recevoir l'Infolettre mensuelle de l'APES "
        "Hauts-de-France. Je peux me désabonner à tout moment.",
        "footer_note": "L'adresse email est abonnée à l'Infolettre de l'APES.",
        "position": 0,
    },
    {
        "slug": "lettre-trimestrielle",
        "name": "Lettre trimestrielle",
        "description": "La lettre trimestrielle de l'APES : la vie des adhérents.",
        "consent_wording": "J'accepte de recevoir la lettre trimestrielle de l'APES "
        "Hauts-de-France. Je peux me désabonner à tout moment.",
        "footer_note": "L'adresse email est abonnée à la lettre trimestrielle de l'APES.",
        "position": 1,
    },
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# (slug, title, kind slug, kind name, sessions [(date, start, end, venue, INSEE)], extra)
EVENTS = [
    (
        "rencontre-des-solidaires-2026",
        "Rencontre des Solidaires",
        "rencontre",
        "Rencontre",
        [(dt.date(2026, 6, 11), (9, 0), (17, 30), "Bazaar St So", "59350")],
        {"max_participants": 150, "summary": "Pas de spectateurs, que des acteurs !"},
    ),
    (
        "journee-economie-de-proximite-albert-2026",
        "Journée dédiée à l'économie de proximité",
        "journee",
        "Journée",
        [(dt.date(2026, 6, 10), (8, 0), (17, 0), "La Manufacture du Coquelicot", "80016")],
        {"summary": "Achat local = achat responsable (SASER 2026)."},
    ),
    (
        "fresque-du-handicap-en-emploi-2026",
        "Fresque du handicap en emploi",
        "fresque",
        "Fresque",
        [
            (dt.date(2026, 6, 16), (10, 0), (13, 0), "Le Toit Commun", "62498"),
            (dt.date(2026, 6, 19), (9, 30), (12, 30), "Maison Stéphane Hessel", "59350"),
        ],
        {"summary": "Un atelier interactif de 3 h sur l'inclusion du handicap."},
    ),
    (
        "ramene-ta-gamelle-tourcoing-2026",
        "Ramène ta gamelle",
        "ramene-ta-gamelle",
        "Ramène ta gamelle",
        [(dt.date(2026, 7, 3), (12, 0), (14, 0), "La Fabrique de l'Emploi", "59599")],
        {"summary": "Un moment convivial où chacun·e apporte son repas."},
    ),
    (
        "matinale-serious-game-parcours-migrant-2026",
        "Matinale : serious game « Parcours d'un·e migrant·e »",
        "matinale",
        "Matinale",
        [(dt.date(2026, 7, 9), (9, 0), (12, 0), "Le Toit Commun", "62498")],
        {"summary": "Un jeu sérieux pour réduire les stéréotypes sur les personnes migrantes."},
    ),
    (
        "visites-inspirantes-transition-franco-belge-2026",
        "Visites inspirantes d'initiatives de transition Franco-Belge",
        "visite",
        "Visite",
        [(dt.date(2026, 6, 14), (9, 0), (18, 0), "Entre Tournai et Templeuve-en-Pévèle", "59586")],
        {
            "summary": "Projet CASTOR : Réseau Transition Belgique et Réseau Transition "
            "Hauts-de-France.",
            "external_registration_url": "https://www.reseautransition.be/castor-visites-inspirantes/",
        },
    ),
]

ARTICLES = [
    {
        "slug": "municipales-2026-ess-s-installe-dans-les-territoires",
        "title": "Municipales 2026 : l'économie sociale et solidaire s'installe dans les "
        "territoires",
        "rubric": "veille",
        "author": "Anne-Laure Federici",
        "summary": "2 mois après les élections municipales françaises, les équipes élues se "
        "mettent en ordre de marche pour réaliser les programmes proposés. Mais que s'est-il "
        "passé du côté de l'ESS lors de ces municipales ?",
        "body": "<p>Anne-Laure Federici, déléguée générale du RTES - Réseau des collectivités "
        "Territoriales pour une Économie Solidaire, livre son point de vue sur la question de "
        "la prise en compte par les nouvelles et nouveaux élu·e·s de l'économie sociale et "
        "solidaire dans les territoires.</p>",
        "link_url": "https://www.lelabo-ess.org/",
        "link_label": "Lire le décryptage complet sur le site du Labo de l'ESS",
        "published_at": _at(dt.date(2026, 5, 20), 9),
    },
    {
        "slug": "geoterritoires-les-dechets",
        "title": "GéoTerritoires, système d'information territorial : désormais les déchets",
        "rubric": "quoi-de-neuf-dans-les-territoires",
        "author": "",
        "summary": "GéoTerritoires propose un large éventail d'indicateurs statistiques sur "
        "différentes thématiques dont, désormais, celle des déchets.",
        "body": "<p>Ceux-ci sont accessibles sous forme de cartes, de graphiques et de tableaux "
        "interactifs.</p>",
        "link_url": "",
        "link_label": "",
        "published_at": _at(dt.date(2026, 5, 25), 9),
    },
]

RESOURCES = [
    {
        "slug": "guide-experimenter-les-plateformes-de-l-economie-solidaire",
        "title": "Expérimenter les plateformes de l'économie solidaire dans les territoires",
        "kind": "guide",
        "category": "guides",
        "description": "<p>Ce guide méthodologique, à destination des élu·e·s et agent·e·s "
        "des collectivités territoriales, est né de plus d'un an d'expérimentations menées "
        "sur 2 territoires, Hellemmes et le Pays du Coquelicot.</p>",
        "url": "https://www.apes-hdf.org/",
        "members_only": False,
    },
    {
        "slug": "mooc-plateformes-numeriques-solidaires",
        "title": "MOOC : les plateformes numériques solidaires",
        "kind": "mooc",
        "category": "formations-en-ligne",
        "description": "<p>Pour mieux comprendre les enjeux des plateformes numériques "
        "solidaires et comment les intégrer dans les politiques de transition.</p>",
        "url": "https://www.apes-hdf.org/",
        "members_only": False,
    },
    {
        "slug": "kit-de-communication-rencontre-des-solidaires-2026",
        "title": "Kit de communication de la Rencontre des Solidaires 2026",
        "kind": "poster",
        "category": "affiches",
        "description": "<p>Affiches et visuels pour promouvoir l'événement autour de vous.</p>",
        "url": "https://www.apes-hdf.org/",
        "members_only": True,
    },
]

SEED_TOC = [
    ("Rencontre des Solidaires du 11 juin au Bazaar St So à Lille", []),
    ("Journée dédiée à l'économie de proximité, le 10 juin à Albert", []),
    ("Fresque du handicap en emploi, le 16 juin à Lens et le 19 juin à Lille", []),
    (
        "Vie de réseau",
        [
            "Ramène ta Gamelle, le 3 juillet à Tourcoing",
            'Matinale "serious game - parcours d\'un·e migrant·e", le 9 juillet à Lens',
            "Adhérez en 2026",
        ],
    ),
    ("Expérimenter les plateformes de l'économie solidaire dans les territoires", []),
    (
        "Visites inspirantes d'initiatives de transition Franco-Belge, le 14 juin entre "
        "Tournai et Templeuve-en-Pévèle",
        [],
    ),
    ("Décryptage du Labo de l'ESS sur les Municipales 2026", []),
    ("GéoTerritoires, système d'information territorial", []),
]
"""The "Au sommaire" of the seed, as written there (the acceptance test checks it)."""

NEWSLETTER = {
    "slug": "infolettre-du-28-mai-2026",
    "title": "Ce mois de juin sera solidaire !",
    "subject": "Ce mois de juin sera solidaire !",
    "preheader": "Semaine des achats socialement et écologiquement responsables, Semaine de la "
    "qualité de vie et des conditions de travail, Rencontre des Solidaires, AG de l'APES...",
    "issue_date": dt.date(2026, 5, 28),
    "intro": "Bienvenue dans l'Infolettre mensuelle de l'APES Hauts-de-France",
    "toc_title": "Au sommaire de cette Infolettre du 28 mai 2026 :",
    "closing": "Et toujours, des quantités de ressources sur www.apes-hdf.org",
}


def _registration_url(site: str, slug: str) -> str:
    from tisser.events.models import Event

    event = (
        Event.objects.filter(slug=slug).first()
        or Event.objects.filter(slug=slug.removesuffix("-2026")).first()
    )
    if event is None:
        return site + reverse("events:agenda")
    url = event.registration_url
    return url if url.startswith("http") else site + url


def infolettre_blocks(site: str = "") -> list[dict]:
    """The composition of the Infolettre of 28 May 2026, block by block. `event`,
    `article` and `resource` name by slug what the block pulls in."""
    agenda = site + reverse("events:agenda")
    join = site + reverse("memberships:join")
    return [
        {
            "kind": "headline",
            "title": "Re-join le mouvement 🐞",
            "body": "<p>Semaine des achats socialement et écologiquement responsables, Semaine "
            "de la qualité de vie et des conditions de travail, Rencontre des Solidaires, AG de "
            "l'APES...</p>",
            "cta_label": "👉 Je m'inscris à la Rencontre des Solidaires",
            "cta_url": _registration_url(site, "rencontre-des-solidaires-2026"),
            "in_toc": False,
        },
        {
            "kind": "event",
            "event": "rencontre-des-solidaires-2026",
            "title": "Nous vous donnons rendez-vous à la Rencontre des Solidaires",
            "subtitle": "Le 11 juin, au Bazaar St So à Lille, pas de spectateurs, que des acteurs !",
            "body": "<ul><li>☕ 09h • On commence par le plaisir de se retrouver</li>"
            "<li>🗺️ 09h45 • AG de l'APES : état des lieux, ambitions et projets ; on dessine "
            "l'avenir du réseau</li><li>📍 11h30 • <strong>Cartographie coopérative de "
            "l'économie solidaire</strong></li><li>🍲 12h • <strong>Déjeuner convivial</strong> "
            "organisé par Coop Manau : pour tisser des liens et construire des ponts</li>"
            "<li>🧠 13h30 • <strong>Ateliers coopératifs</strong> : S'adapter à l'évolution des "
            "financements ; S'adapter à l'évolution du numérique</li><li>🎤 15h30 • "
            "<strong>Conférences inversées</strong></li><li>👏 17h • <strong>Clôture "
            "conviviale</strong></li></ul><p>Envie de promouvoir l'événement autour de vous ? "
            "Utilisez les éléments fournis dans le kit de communication 🐘</p>",
            "cta_label": "👉 Je m'inscris à la Rencontre des Solidaires",
            "toc_label": "Rencontre des Solidaires du 11 juin au Bazaar St So à Lille",
        },
        {
            "kind": "event",
            "event": "journee-economie-de-proximite-albert-2026",
            "title": "Journée dédiée à l'économie de proximité le 10 juin à Albert",
            "body": "<p>Que vous soyez une entreprise, une collectivité ou un acteur du "
            "territoire, nous vous donnons rendez-vous mercredi 10 juin à La Manufacture du "
            "Coquelicot à Albert pour <strong>une journée d'échanges et de partages sur "
            "l'économie de proximité</strong>.</p><p>8h - 17h : porte ouverte et exposition "
            "autour de l'ESS · 8h - 13h : sourcing « Appel d'offres » et interconnaissance · "
            "10h30 - 11h30 : table ronde « Démarche RSE et la place de l'ESS »</p>",
            "cta_label": "Je m'inscris",
        },
        {
            "kind": "event",
            "event": "fresque-du-handicap-en-emploi-2026",
            "title": "Fresque du handicap en emploi",
            "subtitle": "le 16 juin à Lens et le 19 juin à Lille",
            "body": "<p>À travers un atelier interactif de 3h, la fresque du handicap en emploi "
            "permet aux participant·e·s de <strong>prendre conscience des enjeux liés à "
            "l'inclusion du handicap</strong> et de réfléchir à des <strong>actions "
            "concrètes</strong>.</p>",
            "cta_label": "👉 Je m'inscris à la Fresque",
        },
        {
            "kind": "text",
            "section": "Vie de réseau",
            "title": "Prochains événements",
            "body": "<p>La vie de réseau de l'APES, ce sont des moments organisés par et pour "
            "les membres du réseau, pour échanger, apprendre, se ressourcer en collectif.</p>"
            "<p>Venez participer !</p>",
            "in_toc": False,
        },
        {
            "kind": "event",
            "section": "Vie de réseau",
            "event": "ramene-ta-gamelle-tourcoing-2026",
            "title": "Ramène ta gamelle",
            "body": "<p>Un moment convivial où chacun·e pourra apporter son repas. L'occasion "
            "idéale de se faire connaître, de découvrir d'autres membres du réseau, et de tisser "
            "des liens !</p>",
            "cta_label": "Je m'inscris au Ramène ta gamelle",
            "toc_label": "Ramène ta Gamelle, le 3 juillet à Tourcoing",
        },
        {
            "kind": "event",
            "section": "Vie de réseau",
            "event": "matinale-serious-game-parcours-migrant-2026",
            "title": "Matinale : serious game",
            "subtitle": "Parcours d'un·e migrant·e",
            "body": "<p>Un jeu sérieux pour réduire les stéréotypes et les idées reçues sur les "
            "personnes migrantes auprès des citoyen·ne·s européen·ne·s.</p>",
            "cta_label": "Je m'inscris à la matinale",
            "toc_label": 'Matinale "serious game - parcours d\'un·e migrant·e", le 9 juillet à '
            "Lens",
        },
        {
            "kind": "text",
            "section": "Vie de réseau",
            "title": "L'agenda 2026",
            "body": "<p>Consultez régulièrement l'agenda de l'APES, pour découvrir les nouveaux "
            "événements.</p>",
            "cta_label": "Je consulte l'agenda",
            "cta_url": agenda,
            "in_toc": False,
        },
        {
            "kind": "text",
            "section": "Vie de réseau",
            "title": "Adhérez en 2026 !",
            "subtitle": "Ensemble faisons sens commun !",
            "body": "<p>En tant que membre de l'APES, vous pouvez :</p><ul><li><strong>faire "
            "entendre votre voix</strong> : participer à l'AG, rejoindre le Collectif, un groupe "
            "de travail, devenir référent·e sur une thématique.</li><li><strong>rencontrer et "
            "partager</strong> : événements conviviaux, matinales thématiques, formations."
            "</li><li><strong>valoriser vos actions</strong> : newsletter, lettre "
            "trimestrielle, site web, kit communication APES.</li><li><strong>accéder à nos "
            "ressources et actions</strong>.</li></ul>",
            "cta_label": "Je ré-adhère à l'APES",
            "cta_url": join,
            "toc_label": "Adhérez en 2026",
        },
        {
            "kind": "resource",
            "resource": "guide-experimenter-les-plateformes-de-l-economie-solidaire",
            "title": "Expérimenter les plateformes de l'économie solidaire dans les territoires",
            "subtitle": "Guide méthodologique",
            "body": "<p>Ce guide méthodologique, à destination des élu·e·s et agent·e·s des "
            "collectivités territoriales, est né de plus d'un an d'expérimentations menées sur 2 "
            "territoires, Hellemmes et le Pays du Coquelicot.</p><p>L'APES a également lancé un "
            "MOOC pour mieux comprendre les enjeux des plateformes numériques solidaires.</p>",
            "cta_label": "Télécharger le guide méthodologique",
            "cta_url": site
            + reverse(
                "publications:resource",
                kwargs={"slug": "guide-experimenter-les-plateformes-de-l-economie-solidaire"},
            ),
        },
        {
            "kind": "event",
            "event": "visites-inspirantes-transition-franco-belge-2026",
            "title": "Visites inspirantes d'initiatives de transition Franco-Belge",
            "subtitle": "le 14 juin entre Tournai et Templeuve-en-Pévèle",
            "body": "<p>Dans le cadre du projet CASTOR, le Réseau Transition Belgique et le Réseau "
            "Transition Hauts-de-France vous invitent à une journée de rencontres et de "
            "découvertes de part et d'autre de la frontière franco-belge.</p>",
            "cta_label": "Consultez le programme complet et inscrivez-vous",
            "toc_label": "Visites inspirantes d'initiatives de transition Franco-Belge, le 14 "
            "juin entre Tournai et Templeuve-en-Pévèle",
        },
        {
            "kind": "article",
            "article": "municipales-2026-ess-s-installe-dans-les-territoires",
            "title": "Décryptage Municipales 2026",
            "subtitle": "Par Anne Laure Federici",
            "body": "<p><strong>Municipales 2026 : l'économie sociale et solidaire s'installe "
            "dans les territoires</strong></p><p>2 mois après les élections municipales "
            "françaises, les équipes élues se mettent en ordre de marche pour réaliser les "
            "programmes proposés. Mais que s'est-il passé du côté de l'ESS lors de ces "
            "municipales ?</p>",
            "cta_label": "Lire le décryptage complet sur le site du Labo de l'ESS",
            "cta_url": "https://www.lelabo-ess.org/",
            "toc_label": "Décryptage du Labo de l'ESS sur les Municipales 2026",
        },
        {
            "kind": "article",
            "article": "geoterritoires-les-dechets",
            "title": "GéoTerritoires",
            "body": "<p>GéoTerritoires propose un large éventail d'indicateurs statistiques sur "
            "différentes thématiques dont, désormais, celle des déchets.</p><p>Ceux-ci sont "
            "accessibles sous forme de cartes, de graphiques et de tableaux interactifs.</p>",
            "cta_label": "Consulter GéoTerritoires",
            "cta_url": "https://www.geoterritoires.fr/",
            "toc_label": "GéoTerritoires, système d'information territorial",
        },
    ]


def ensure_events() -> dict[str, object]:
    """The seed's events in the agenda (published), by slug."""
    from tisser.directory.models import Organisation
    from tisser.events.models import Event, EventKind, Session
    from tisser.territories.models import Commune

    apes = Organisation.objects.filter(slug="apes-hauts-de-france").first()
    found = {}
    for slug, title, kind_slug, kind_name, sessions, extra in EVENTS:
        # The events demo (load_demo_events) names them without the year: reuse its rows.
        event = (
            Event.objects.filter(slug=slug).first()
            or Event.objects.filter(slug=slug.removesuffix("-2026")).first()
            or Event.objects.filter(title__iexact=title).first()
        )
        if event is None:
            kind = (
                EventKind.objects.filter(slug=kind_slug).first()
                or EventKind.objects.filter(name=kind_name).first()
                or EventKind.objects.create(slug=kind_slug, name=kind_name)
            )
            first = sessions[0]
            commune = Commune.objects.filter(code=first[4]).first()
            event = Event.objects.create(
                slug=slug,
                title=title,
                kind=kind,
                status=Event.Status.PUBLISHED,
                venue_name=first[3] if len(sessions) == 1 else "",
                commune=commune,
                **extra,
            )
            for day, start, end, venue, insee in sessions:
                Session.objects.create(
                    event=event,
                    starts_at=_at(day, *start),
                    ends_at=_at(day, *end),
                    venue_name=venue,
                    commune=Commune.objects.filter(code=insee).first(),
                )
            if apes is not None:
                event.organisers.add(apes)
        found[slug] = event
    return found


def ensure_content() -> None:
    for position, (slug, name) in enumerate(RUBRICS):
        Rubric.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name) in enumerate(RESOURCE_CATEGORIES):
        ResourceCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    for spec in LISTS:
        MailingList.objects.get_or_create(slug=spec["slug"], defaults=spec)
    for spec in ARTICLES:
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        data = {k: v for k, v in spec.items() if k != "slug"}
        data["rubric"] = Rubric.objects.get(slug=data["rubric"])
        data["status"] = Article.Status.PUBLISHED
        article = Article(slug=spec["slug"])
        services.save_article(data, article=article)
    for spec in RESOURCES:
        if Resource.objects.filter(slug=spec["slug"]).exists():
            continue
        data = {k: v for k, v in spec.items() if k != "slug"}
        data["category"] = ResourceCategory.objects.get(slug=data["category"])
        services.save_resource(data, resource=Resource(slug=spec["slug"]))


SEED_DATES = {slug: sessions[0][0] for slug, _t, _k, _n, sessions, _e in EVENTS}


def block_data(spec: dict, events: dict, *, start) -> dict:
    """A block of `infolettre_blocks` as the composer stores it (items pulled in).

    When the event in the agenda is not on the seed's date (the events demo dates its
    events from the day it is loaded), the wording that names the seed's date gives way
    to the generated one, so that the issue never contradicts the agenda."""
    from . import sources

    data = {k: v for k, v in spec.items() if k not in ("event", "article", "resource")}
    if "event" in spec:
        event = events[spec["event"]]
        data["items"] = sources.event_items([event.pk], start=start)
        first = data["items"][0]["starts_at"][:10] if data["items"] else ""
        if first != SEED_DATES[spec["event"]].isoformat():
            for key in ("toc_label", "subtitle"):
                if re.search(r"\b(juin|juillet)\b", data.get(key, "")):
                    data.pop(key)
            if re.search(r"\b(juin|juillet)\b", data.get("title", "")):
                data["title"] = event.title
    if "article" in spec:
        data["items"] = sources.article_items([Article.objects.get(slug=spec["article"]).pk])
    if "resource" in spec:
        data["items"] = sources.resource_items([Resource.objects.get(slug=spec["resource"]).pk])
    return data


@transaction.atomic
def load_demo_publications() -> dict:
    """Load everything; returns what was created (a second run creates nothing)."""
    from django.conf import settings

    before = Newsletter.objects.count(), Article.objects.count(), Resource.objects.count()
    events = ensure_events()
    ensure_content()
    newsletter = Newsletter.objects.filter(slug=NEWSLETTER["slug"]).first()
    created_newsletter = False
    if newsletter is None:
        infolettre = MailingList.objects.get(slug="infolettre")
        data = dict(NEWSLETTER)
        newsletter = services.create_newsletter(
            mailing_list=infolettre, title=data.pop("title"), subject=data.pop("subject"), **data
        )
        for spec in infolettre_blocks(settings.SITE_URL):
            services.add_block(newsletter, block_data(spec, events, start=newsletter.issue_date))
        services.publish_newsletter(newsletter)
        created_newsletter = True
    after = Newsletter.objects.count(), Article.objects.count(), Resource.objects.count()
    return {
        "newsletter": newsletter,
        "created_newsletter": created_newsletter,
        "articles": after[1] - before[1],
        "resources": after[2] - before[2],
        "events": len(events),
    }
