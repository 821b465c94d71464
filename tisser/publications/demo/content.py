"""What the demo's two newsletters point to: the rubrics, the lists, the articles and the
resources, with the texts of the seeds (trimmed where they were long). Found by slug,
created when missing.

The 2024 activity report and its poster "Ode à l'économie solidaire" are small PDF files
made here, which say they stand for the real ones; the communication kit of the 2026
Rencontre is the one attached to that event in the agenda.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .. import services
from ..models import Article, MailingList, Resource, ResourceCategory, Rubric

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


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _assembly_url(slug: str) -> str:
    try:
        return reverse("governance:assembly", kwargs={"slug": slug})
    except NoReverseMatch:
        return ""


def articles() -> list[dict]:
    election = _assembly_url("ag-apes-2025")
    results = (
        f' <a href="{election}">Les structures élues et les résultats du vote</a>.'
        if election
        else ""
    )
    return [
        # --- June 2025 --------------------------------------------------------------------
        {
            "slug": "elections-du-collectif-de-l-apes-12-juin-2025",
            "title": "Les élections du Collectif de l'APES, ce 12 juin 2025",
            "rubric": "a-la-une",
            "summary": "L'APES est administrée par un Conseil d'Administration dénommé "
            "Collectif, composé de 24 personnes maximum. 11 structures ont été élues ou "
            "réélues.",
            "body": "<p>L'APES est administrée par un Conseil d'Administration dénommé "
            "Collectif, composé de 24 personnes maximum. Lors de l'assemblée générale du 12 "
            f"juin 2025, 11 structures ont été élues ou réélues.{results}</p>",
            "published_at": _at(dt.date(2025, 6, 13)),
        },
        {
            "slug": "achats-publics-responsables-nouvelles-obligations",
            "title": "Achats publics responsables : comment répondre aux nouvelles obligations ?",
            "rubric": "formations-et-accompagnement",
            "summary": "En août 2026, les clauses sociales et environnementales seront "
            "obligatoires pour les marchés publics (cf Loi Climat et Résilience).",
            "body": "<p>En août 2026, les clauses sociales et environnementales seront "
            "obligatoires pour les marchés publics (cf Loi Climat et Résilience). Une "
            "évolution de la réglementation appréciable mais qui va soulever des problèmes de "
            "mise en œuvre pour les techniciens des collectivités publiques.</p><p>L'APES et "
            "le CERDD, avec le réseau APURE, peuvent vous faciliter la tâche !</p>",
            "published_at": _at(dt.date(2025, 6, 16)),
        },
        {
            "slug": "retours-sur-la-matinale-l-ia-aubaine-ou-piege",
            "title": "Retours sur notre Matinale : L'IA, aubaine ou piège ?",
            "rubric": "formations-et-accompagnement",
            "summary": "Plutôt qu'un cours magistral, le jeu « La bataille de l'IA » de "
            "l'association Latitudes.",
            "body": "<p>Plutôt qu'un cours magistral sur l'IA, sa vie, son œuvre… Marion "
            "Studer, notre animatrice, s'est appuyée sur un jeu conçu par l'association "
            "Latitudes, « La bataille de l'IA », pour provoquer une prise de distance et une "
            "déconstruction de nos a priori sur l'IA.</p>",
            "published_at": _at(dt.date(2025, 6, 17)),
        },
        {
            "slug": "ess-et-cooperativisme-de-plateformes",
            "title": "L'ESS et le coopérativisme de plateformes comme voies vers une "
            "économie numérique juste",
            "rubric": "recherche-et-developpement",
            "summary": "Le RIPESS à la 113e Conférence internationale du travail, du 2 au 14 "
            "juin à Genève.",
            "body": "<p>Comme chaque année, le RIPESS (notre tête de réseau européenne) est "
            "présent à la 113e Conférence internationale du travail de 2025, du 2 au 14 juin "
            "à Genève. À cette occasion, il participe et suit les débats sur l'économie des "
            "plateformes et sa transition vers l'économie formelle.</p>",
            "link_url": "https://www.ilo.org/",
            "link_label": "La Conférence internationale du travail",
            "published_at": _at(dt.date(2025, 6, 2)),
        },
        {
            "slug": "portrait-pierre-robert-chairess",
            "title": "Portrait d'un membre du Collectif : Pierre Robert, de la ChairESS",
            "rubric": "les-adherents-portraits",
            "summary": "« L'APES est un réseau qui n'a pas oublié son projet politique de "
            "démocratisation de l'économie ! »",
            "body": "<p>Pierre Robert est Maître de conférences en économie et membre de la "
            "ChairESS Hauts-de-France.</p><blockquote><p>« L'APES est un réseau qui n'a pas "
            "oublié son projet politique de démocratisation de l'économie ! »</p>"
            "</blockquote>",
            "published_at": _at(dt.date(2025, 6, 18)),
        },
        {
            "slug": "terres-agricoles-des-hauts-de-france",
            "title": "Les terres agricoles des Hauts-de-France et celles et ceux qui les "
            "cultivent, les possèdent, les convoitent",
            "rubric": "les-adherents-portraits",
            "summary": "2,2 millions d'hectares de terres agricoles en Hauts-de-France.",
            "body": "<p>2,2 millions d'hectares de terres agricoles en Hauts-de-France, c'est "
            "théoriquement plus de surfaces que nécessaire pour nourrir ses 6 millions "
            "d'habitants. Théoriquement seulement… car il y a une forte décorrélation entre ce "
            "qui est produit en région et l'emprise au sol de ce que nous mangeons.</p>",
            "published_at": _at(dt.date(2025, 6, 19)),
        },
        {
            "slug": "marchandisation-et-demarchandisation-monde-associatif",
            "title": "Entre marchandisation et démarchandisation : un monde associatif à la "
            "croisée des chemins",
            "rubric": "veille",
            "summary": "L'observatoire citoyen de la marchandisation des associations (OCMA).",
            "body": "<p>L'observatoire citoyen de la marchandisation des associations (OCMA) "
            "a été créé en 2022. Il est aujourd'hui porté par 16 réseaux et associations et "
            "un conseil scientifique de 14 chercheur·se·s.</p>",
            "published_at": _at(dt.date(2025, 6, 20)),
        },
        {
            "slug": "prendre-le-pouvoir-pour-le-partager-communes-participatives",
            "title": "Prendre le pouvoir pour le partager : expériences et apprentissages des "
            "communes participatives",
            "rubric": "veille",
            "summary": "Mettre en lumière des expériences démocratiques, sociales et "
            "écologiques, à partir de l'échelle communale (2020 - 2026).",
            "body": "<p>Le but : mettre en lumière des expériences et expérimentations "
            "démocratiques, sociales et écologiques, à partir de l'échelle communale.</p>",
            "published_at": _at(dt.date(2025, 6, 20), 11),
        },
        {
            "slug": "autonomie-numerique-fondee-sur-les-communs",
            "title": "Rencontre « Pour une autonomie numérique fondée sur les communs »",
            "rubric": "veille",
            "summary": "Acteurs du numérique, chercheurs et décideurs publics.",
            "body": "<p>La rencontre réunira des acteurs du numérique, des chercheurs et des "
            "décideurs publics pour discuter des enjeux et des défis liés à la souveraineté "
            "numérique et aux communs.</p>",
            "published_at": _at(dt.date(2025, 6, 21)),
        },
        {
            "slug": "forum-mondial-de-l-ess-bordeaux-2025",
            "title": "Forum mondial de l'ESS - Bordeaux 2025",
            "rubric": "veille",
            "summary": "« L'ESS, une condition pour la transition juste vers des territoires "
            "résilients et le bien-être de leurs habitants ».",
            "body": "<p>Une thématique générale : « L'ESS, une condition pour la transition "
            "juste vers des territoires résilients et le bien-être de leurs habitants ».</p>",
            "link_url": "https://www.gsef-net.org/",
            "link_label": "Plus d'infos",
            "published_at": _at(dt.date(2025, 6, 21), 11),
        },
        # --- 28 May 2026 ------------------------------------------------------------------
        {
            "slug": "municipales-2026-ess-s-installe-dans-les-territoires",
            "title": "Municipales 2026 : l'économie sociale et solidaire s'installe dans les "
            "territoires",
            "rubric": "veille",
            "author": "Anne-Laure Federici",
            "summary": "2 mois après les élections municipales françaises, les équipes élues se "
            "mettent en ordre de marche pour réaliser les programmes proposés. Mais que "
            "s'est-il passé du côté de l'ESS lors de ces municipales ?",
            "body": "<p>Anne-Laure Federici, déléguée générale du RTES - Réseau des "
            "collectivités Territoriales pour une Économie Solidaire, livre son point de vue "
            "sur la question de la prise en compte par les nouvelles et nouveaux élu·e·s de "
            "l'économie sociale et solidaire dans les territoires.</p>",
            "link_url": "https://www.lelabo-ess.org/",
            "link_label": "Lire le décryptage complet sur le site du Labo de l'ESS",
            "published_at": _at(dt.date(2026, 5, 20)),
        },
        {
            "slug": "geoterritoires-les-dechets",
            "title": "GéoTerritoires, système d'information territorial : désormais les déchets",
            "rubric": "quoi-de-neuf-dans-les-territoires",
            "summary": "GéoTerritoires propose un large éventail d'indicateurs statistiques sur "
            "différentes thématiques dont, désormais, celle des déchets.",
            "body": "<p>Ceux-ci sont accessibles sous forme de cartes, de graphiques et de "
            "tableaux interactifs.</p>",
            "published_at": _at(dt.date(2026, 5, 25)),
        },
    ]


RESOURCES = [
    {
        "slug": "rapport-d-activite-2024",
        "title": "Rapport d'activité 2024",
        "kind": "report",
        "category": "rapports",
        "description": "<p>« Ici tous les jours on tente et on expérimente ». Tel est un "
        "credo de notre réseau qui se veut tête chercheuse de nouvelles pistes, notamment en "
        "matière de pratiques démocratiques. Découvrez les activités de l'APES en 2024.</p>",
        "pdf": (
            "Rapport d'activité 2024",
            [
                "APES Hauts-de-France - Acteurs pour une Économie Solidaire",
                "« Ici tous les jours on tente et on expérimente. »",
                "Tel est un credo de notre réseau, qui se veut tête chercheuse de nouvelles "
                "pistes, notamment en matière de pratiques démocratiques.",
                "Document de démonstration de Tisser : il tient la place du rapport "
                "d'activité 2024 de l'APES, publié sur www.apes-hdf.org.",
            ],
        ),
        "published_at": dt.date(2025, 6, 10),
    },
    {
        "slug": "ode-a-l-economie-solidaire",
        "title": "Ode à l'économie solidaire",
        "kind": "poster",
        "category": "affiches",
        "description": "<p>L'affiche qui accompagne le rapport d'activité 2024 de l'APES.</p>",
        "pdf": (
            "Ode à l'économie solidaire",
            [
                "L'affiche du rapport d'activité 2024 de l'APES Hauts-de-France.",
                "Document de démonstration de Tisser : il tient la place de l'affiche "
                "publiée par l'APES.",
            ],
        ),
        "published_at": dt.date(2025, 6, 10),
    },
    {
        "slug": "guide-experimenter-les-plateformes-de-l-economie-solidaire",
        "title": "Expérimenter les plateformes de l'économie solidaire dans les territoires",
        "kind": "guide",
        "category": "guides",
        "description": "<p>Ce guide méthodologique, à destination des élu·e·s et agent·e·s "
        "des collectivités territoriales, est né de plus d'un an d'expérimentations menées "
        "sur 2 territoires, Hellemmes et le Pays du Coquelicot.</p>",
        "url": "https://www.apes-hdf.org/",
        "published_at": dt.date(2026, 5, 15),
    },
    {
        "slug": "mooc-plateformes-numeriques-solidaires",
        "title": "MOOC : les plateformes numériques solidaires",
        "kind": "mooc",
        "category": "formations-en-ligne",
        "description": "<p>Pour mieux comprendre les enjeux des plateformes numériques "
        "solidaires et comment les intégrer dans les politiques de transition.</p>",
        "url": "https://www.apes-hdf.org/",
        "published_at": dt.date(2026, 5, 15),
    },
    {
        "slug": "kit-de-communication-rencontre-des-solidaires-2026",
        "title": "Kit de communication de la Rencontre des Solidaires 2026",
        "kind": "poster",
        "category": "affiches",
        "description": "<p>Visuels, logo et textes courts pour promouvoir la Rencontre des "
        "Solidaires du 11 juin 2026 autour de vous.</p>",
        "kit_of": "rencontre-des-solidaires-2026",
        "published_at": dt.date(2026, 5, 20),
    },
]


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF drawn by `core.pdf` (the bundled font prints every French character)."""
    from tisser.core.pdf import Document

    document = Document(title=title)
    document.set_creation_date(dt.datetime(2025, 6, 10, tzinfo=dt.UTC))
    document.add_page()
    document.line_of_text(title, size=24, bold=True, height=12)
    document.ln(6)
    for line in lines:
        document.line_of_text(line, size=12, height=7)
        document.ln(3)
    return document.to_bytes()


def _kit_url(event_slug: str) -> str:
    from tisser.events.models import EventAttachment

    kit = EventAttachment.objects.filter(event__slug=event_slug).first()
    if kit is None:
        return settings.SITE_URL + reverse("events:agenda")
    return settings.SITE_URL + kit.file.url


def ensure_content() -> dict:
    """Rubrics, categories, lists, articles and resources; returns how many were made."""
    made = {"articles": 0, "resources": 0}
    for position, (slug, name) in enumerate(RUBRICS):
        Rubric.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name) in enumerate(RESOURCE_CATEGORIES):
        ResourceCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    for spec in LISTS:
        MailingList.objects.get_or_create(slug=spec["slug"], defaults=spec)
    for spec in articles():
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        data = {k: v for k, v in spec.items() if k != "slug"}
        data["rubric"] = Rubric.objects.get(slug=data["rubric"])
        data["status"] = Article.Status.PUBLISHED
        services.save_article(data, article=Article(slug=spec["slug"]))
        made["articles"] += 1
    for spec in RESOURCES:
        if Resource.objects.filter(slug=spec["slug"]).exists():
            continue
        data = {
            "title": spec["title"],
            "kind": spec["kind"],
            "category": ResourceCategory.objects.get(slug=spec["category"]),
            "description": spec["description"],
            "members_only": False,
            "published_at": _at(spec["published_at"]),
        }
        if "pdf" in spec:
            data["file"] = ContentFile(_pdf(*spec["pdf"]), name=f"{spec['slug']}.pdf")
        elif "kit_of" in spec:
            data["url"] = _kit_url(spec["kit_of"])
        else:
            data["url"] = spec["url"]
        services.save_resource(data, resource=Resource(slug=spec["slug"]))
        made["resources"] += 1
    return made
