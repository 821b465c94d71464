"""The Infolettre of June 2025 (shared/seeds/000_…), block by block, as the composer stores
it: its sections are the seed's headings (Édito, À la une, Formations et accompagnement…)
and "Au sommaire" is generated from them, each entry with the date and place the seed
prints. `event`, `article`, `resource` name by slug what a block pulls in; `members`
the organisations of a "new members" block; `full` what the agenda said of the event on
the issue's day.

The seed has no table of contents of its own: `SOMMAIRE` is the one Tisser generates
from these blocks, and `SEED_FACTS` what each entry must show, in the seed's words (the
acceptance test checks both against the seed file, the web version and the email).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

NEWSLETTER = {
    "slug": "infolettre-de-juin-2025",
    "title": "Infolettre de juin 2025",
    "subject": "Rencontre des Solidaires, Démocratie alimentaire, élections du Collectif…",
    "preheader": "La 2ème édition de la Rencontre des Solidaires a réuni 180 acteurs de "
    "l'économie solidaire.",
    "issue_date": dt.date(2025, 6, 24),
    "intro": "Bienvenue dans l'Infolettre mensuelle de l'APES Hauts-de-France",
    "toc_title": "Au sommaire de l'Infolettre de juin 2025 :",
    "closing": "",
}
SENT_AT = (dt.date(2025, 6, 24), 10, 0)

ROOT = "Édito"
UNE = "À la une"
FORMATIONS = "Formations et accompagnement"
TERRITOIRES = "Quoi de neuf dans les territoires ?"
RECHERCHE = "Recherche et développement"
ADHERENTS = "Les adhérents de l'Apes"
VEILLE = "Veille"

SOMMAIRE = [
    (
        ROOT,
        [
            "La Rencontre des Solidaires du 12 juin 2025 à Louvre-Lens Vallée",
            "Notre rapport d'activité 2024 et son « Ode à l'économie solidaire »",
        ],
    ),
    (
        UNE,
        [
            "Journée Démocratie alimentaire du 3 juillet, complète",
            "Les élections du Collectif de l'APES, ce 12 juin 2025",
        ],
    ),
    (
        FORMATIONS,
        [
            "La coopération à tous les étages ! Démarrage le 16 septembre à Lens",
            "Achats publics responsables : comment répondre aux nouvelles obligations ?",
            "Retours sur notre Matinale : L'IA, aubaine ou piège ?",
        ],
    ),
    (TERRITOIRES, ["Ramène ta gamelle, le 4 juillet à Anzin"]),
    (
        RECHERCHE,
        [
            "La place du handicap dans l'emploi, les 16 septembre et 14 octobre à Lille",
            "L'ESS et le coopérativisme de plateformes, du 2 au 14 juin à Genève",
        ],
    ),
    (
        ADHERENTS,
        [
            "Nouvel adhérent : Les Cabanes Inspirées",
            "Portrait d'un membre du Collectif : Pierre Robert, de la ChairESS",
            "Les terres agricoles des Hauts-de-France",
        ],
    ),
    (
        VEILLE,
        [
            "Rendez-vous régional de la vie associative, le 1er juillet à Arras",
            "Entre marchandisation et démarchandisation : un monde associatif à la croisée "
            "des chemins",
            "Prendre le pouvoir pour le partager",
            "Rencontre « Pour une autonomie numérique fondée sur les communs »",
            "Forum mondial de l'ESS - Bordeaux 2025",
        ],
    ),
]
"""The table of contents these blocks generate."""

SEED_FACTS = {
    "La Rencontre des Solidaires du 12 juin 2025 à Louvre-Lens Vallée": [
        "12 juin 2025",
        "Louvre-Lens Vallée",
        "180 acteurs",
    ],
    "Notre rapport d'activité 2024 et son « Ode à l'économie solidaire »": [
        "rapport d'activité 2024",
        "Ode à l'économie solidaire",
    ],
    "Journée Démocratie alimentaire du 3 juillet, complète": [
        "Journée Démocratie alimentaire du 3 juillet",
        "150 places",
    ],
    "Les élections du Collectif de l'APES, ce 12 juin 2025": [
        "12 juin 2025",
        "24 personnes maximum",
        "11 structures ont été élues ou réélues",
    ],
    "La coopération à tous les étages ! Démarrage le 16 septembre à Lens": [
        "Démarrage 16 sept. 2025, au Toit commun à Lens",
        "8 à 12 participants",
        "clôture des inscriptions au 15 août 2025",
    ],
    "Achats publics responsables : comment répondre aux nouvelles obligations ?": [
        "En août 2026",
    ],
    "Ramène ta gamelle, le 4 juillet à Anzin": ["4 juillet, 12h-14h30 - Anzin"],
    "La place du handicap dans l'emploi, les 16 septembre et 14 octobre à Lille": [
        "les 16 septembre et 14 octobre, à Lille",
    ],
    "L'ESS et le coopérativisme de plateformes, du 2 au 14 juin à Genève": [
        "du 2 au 14 juin à Genève",
    ],
    "Nouvel adhérent : Les Cabanes Inspirées": ["Pays de Mormal"],
    "Rendez-vous régional de la vie associative, le 1er juillet à Arras": [
        "le 1er juillet à Arras",
        "l'Université d'Artois à Arras",
    ],
    "Forum mondial de l'ESS - Bordeaux 2025": ["Bordeaux 2025"],
}
"""What each entry's block says, as the seed prints it: its dates and places."""

AGENDA_DATES = {
    "journee-democratie-alimentaire-2025": ["jeudi 3 juillet 2025"],
    "parcours-amelioration-continue-des-pratiques-2025": [
        "mardi 16 septembre 2025",
        "Le Toit Commun, Lens",
    ],
    "ramene-ta-gamelle-anzin-2025": ["vendredi 4 juillet 2025", "Anzin"],
    "recherche-action-handicap-co-construction-2025": [
        "mardi 16 septembre 2025",
        "mardi 14 octobre 2025",
        "Lille",
    ],
    "rendez-vous-regional-vie-associative-arras-2025": [
        "mardi 1er juillet 2025",
        "Université d'Artois, Arras",
    ],
}
"""What the agenda says of the events the issue pulls in, on the seed's dates."""


def blocks(site: str = "") -> list[dict]:
    join = site + reverse("memberships:join")

    def article(slug):
        return site + reverse("publications:article", kwargs={"slug": slug})

    def resource(slug):
        return site + reverse("publications:resource", kwargs={"slug": slug})

    call = site + reverse("events:call", args=["rencontre-des-solidaires-vos-propositions"])
    return [
        {
            "kind": "headline",
            "title": "Vous pouvez adhérer en ligne à l'APES !",
            "body": "<p>Rendez-vous sur la page d'adhésion de l'APES pour rejoindre le réseau "
            "des acteurs pour une économie solidaire.</p>",
            "cta_label": "J'adhère en ligne",
            "cta_url": join,
            "in_toc": False,
        },
        {
            "kind": "text",
            "section": ROOT,
            "title": "La Rencontre des Solidaires",
            "subtitle": "Jeudi 12 juin 2025 · Louvre-Lens Vallée · Nos démocraties désirables",
            "body": "<p>La 2ème édition de la Rencontre des Solidaires a réuni 180 acteurs de "
            "l'économie solidaire et a porté les fruits que nous en espérions : des débats qui "
            "ont généré de riches échanges avec la salle, des prises de contact en vue de "
            "coopérations futures entre acteurs, des découvertes d'initiatives et d'outils "
            "originaires de toute la région…</p><p>🙏🏻🌟 Un grand merci à tous !</p>"
            "<p>📅 <strong>Rendez-vous l'année prochaine !</strong></p>",
            "cta_label": "💡 Vos propositions de thème et de lieu sont les bienvenues !",
            "cta_url": call,
            "toc_label": SOMMAIRE[0][1][0],
        },
        {
            "kind": "resource",
            "section": ROOT,
            "resources": ["rapport-d-activite-2024", "ode-a-l-economie-solidaire"],
            "title": "Et retrouvez ici notre rapport d'activité 2024",
            "body": "<p>« Ici tous les jours on tente et on expérimente ». Tel est un credo de "
            "notre réseau qui se veut tête chercheuse de nouvelles pistes, notamment en "
            "matière de pratiques démocratiques. Découvrez ici les activités de l'APES en "
            "2024, ainsi qu'une <a href=\""
            + resource("ode-a-l-economie-solidaire")
            + "\">« Ode à l'économie solidaire »</a> sous forme d'affiche.</p>",
            "cta_label": "Accéder au rapport d'activité",
            "cta_url": resource("rapport-d-activite-2024"),
            "toc_label": SOMMAIRE[0][1][1],
        },
        {
            "kind": "event",
            "section": UNE,
            "event": "journee-democratie-alimentaire-2025",
            "full": True,
            "title": "Il y a du pain sur la planche ! Journée Démocratie alimentaire",
            "body": "<p>Preuve de l'intérêt et de l'urgence du sujet, notre Journée Démocratie "
            "alimentaire du 3 juillet a très vite fait le plein de ses 150 places ! Pour ceux "
            "d'entre vous qui n'ont pu s'inscrire, des éléments de capitalisation des "
            "initiatives régionales sont dans le four et ne devraient pas tarder à être "
            "disponibles.</p>",
            "toc_label": SOMMAIRE[1][1][0],
        },
        {
            "kind": "article",
            "section": UNE,
            "article": "elections-du-collectif-de-l-apes-12-juin-2025",
            "title": "Les élections du Collectif de l'APES, ce 12 juin 2025",
            "body": "<p>L'APES est administrée par un Conseil d'Administration dénommé "
            "Collectif, composé de 24 personnes maximum. 11 structures ont été élues ou "
            "réélues : à retrouver dans l'article.</p>",
            "cta_label": "Accéder à l'article",
            "cta_url": article("elections-du-collectif-de-l-apes-12-juin-2025"),
            "toc_label": SOMMAIRE[1][1][1],
        },
        {
            "kind": "event",
            "section": FORMATIONS,
            "event": "parcours-amelioration-continue-des-pratiques-2025",
            "full": False,
            "title": "La coopération à tous les étages !",
            "subtitle": "Parcours amélioration continue des pratiques — session 2025",
            "body": "<p>Comment déployer son activité sur son territoire par la coopération ? "
            "5 séquences collectives pour pratiquer la coopération à différents niveaux.</p>"
            "<ul><li>Démarrage 16 sept. 2025, au Toit commun à Lens.</li><li>4,5 jours sur 4 "
            "mois : apports théoriques et application.</li><li>Réservé aux acteurs du Budget "
            "citoyen du Pas-de-Calais : 8 à 12 participants</li></ul><p>Inscrivez-vous sans "
            "tarder : clôture des inscriptions au 15 août 2025.</p>",
            "cta_label": "Je m'inscris",
            "toc_label": SOMMAIRE[2][1][0],
        },
        {
            "kind": "article",
            "section": FORMATIONS,
            "article": "achats-publics-responsables-nouvelles-obligations",
            "title": "Achats publics responsables : comment répondre aux nouvelles obligations ?",
            "body": "<p>En août 2026, les clauses sociales et environnementales seront "
            "obligatoires pour les marchés publics (cf Loi Climat et Résilience). L'APES et "
            "le CERDD, avec le réseau APURE, peuvent vous faciliter la tâche !</p>",
            "cta_label": "Accéder à l'article",
            "cta_url": article("achats-publics-responsables-nouvelles-obligations"),
        },
        {
            "kind": "article",
            "section": FORMATIONS,
            "article": "retours-sur-la-matinale-l-ia-aubaine-ou-piege",
            "title": "Retours sur notre Matinale : L'IA, aubaine ou piège ?",
            "body": "<p>Plutôt qu'un cours magistral sur l'IA, sa vie, son œuvre… Marion "
            "Studer, notre animatrice, s'est appuyée sur un jeu conçu par l'association "
            "Latitudes, « La bataille de l'IA », pour provoquer une prise de distance et une "
            "déconstruction de nos a priori sur l'IA.</p>",
            "cta_label": "Accéder à l'article",
            "cta_url": article("retours-sur-la-matinale-l-ia-aubaine-ou-piege"),
        },
        {
            "kind": "event",
            "section": TERRITOIRES,
            "event": "ramene-ta-gamelle-anzin-2025",
            "full": False,
            "title": "Vie de réseau APES : « Ramène ta gamelle »",
            "subtitle": "4 juillet, 12h-14h30 - Anzin",
            "body": "<p>3ème mise en musique des réflexions du groupe « Vie de Réseau » ! "
            "L'idée : favoriser interconnaissance et coopérations entre acteurs d'un "
            "territoire.</p>",
            "cta_label": "Je m'inscris",
            "toc_label": SOMMAIRE[3][1][0],
        },
        {
            "kind": "event",
            "section": RECHERCHE,
            "event": "recherche-action-handicap-co-construction-2025",
            "full": False,
            "title": "Il était une fois, dans l'ESS, la place du handicap dans l'emploi et le "
            "travail au quotidien",
            "body": "<p>Employeur·se, salarié·e ou bénévole de l'ESS, vous avez vécu une "
            "situation au travail questionnant la prise en compte du handicap en milieu "
            "professionnel ? Alors n'hésitez pas à nous rejoindre pour la prochaine étape de "
            "notre recherche-action : 2 journées de co-construction permettant d'aboutir à "
            "des propositions concrètes, les 16 septembre et 14 octobre, à Lille.</p>",
            "cta_label": "Je m'inscris",
            "toc_label": SOMMAIRE[4][1][0],
        },
        {
            "kind": "article",
            "section": RECHERCHE,
            "article": "ess-et-cooperativisme-de-plateformes",
            "title": "L'ESS et le coopérativisme de plateformes comme voies vers une économie "
            "numérique juste",
            "body": "<p>Comme chaque année, le RIPESS (notre tête de réseau européenne) sera "
            "présent à la 113e Conférence internationale du travail de 2025, du 2 au 14 juin "
            "à Genève. À cette occasion, il participera et suivra les débats sur l'économie "
            "des plateformes et sa transition vers l'économie formelle.</p>",
            "cta_label": "Lire l'article",
            "cta_url": article("ess-et-cooperativisme-de-plateformes"),
            "toc_label": SOMMAIRE[4][1][1],
        },
        {
            "kind": "members",
            "section": ADHERENTS,
            "members": ["les-cabanes-inspirees"],
            "members_since": dt.date(2025, 6, 1),
            "title": "Nouvel adhérent : Les Cabanes Inspirées",
            "body": "<p>C'est un projet de tiers-lieu de vie collectif en milieu rural porté "
            "par un groupe habitant le Pays de Mormal (Nord) et constitué en "
            "association.</p>",
        },
        {
            "kind": "article",
            "section": ADHERENTS,
            "article": "portrait-pierre-robert-chairess",
            "title": "Portrait d'un membre du Collectif : Pierre Robert, de la ChairESS",
            "body": "<p>Pierre Robert est Maître de conférences en économie et membre de la "
            "ChairESS Hauts-de-France.</p><p>« L'APES est un réseau qui n'a pas oublié son "
            "projet politique de démocratisation de l'économie ! »</p>",
            "cta_label": "Lire l'article",
            "cta_url": article("portrait-pierre-robert-chairess"),
        },
        {
            "kind": "article",
            "section": ADHERENTS,
            "article": "terres-agricoles-des-hauts-de-france",
            "title": "Les terres agricoles des Hauts-de-France et celles et ceux qui les "
            "cultivent, les possèdent, les convoitent",
            "body": "<p>2,2 millions d'hectares de terres agricoles en Hauts-de-France, c'est "
            "théoriquement plus de surfaces que nécessaire pour nourrir ses 6 millions "
            "d'habitants. Théoriquement seulement…</p>",
            "cta_label": "Lire l'article",
            "cta_url": article("terres-agricoles-des-hauts-de-france"),
            "toc_label": SOMMAIRE[5][1][2],
        },
        {
            "kind": "event",
            "section": VEILLE,
            "event": "rendez-vous-regional-vie-associative-arras-2025",
            "full": False,
            "title": "Le modèle d'intérêt général : les associations en tension entre enjeux "
            "économiques et politiques",
            "subtitle": "Rendez-vous régional de la vie associative, le 1er juillet 2025 à "
            "l'Université d'Artois à Arras",
            "body": "<p>Le LMA propose un temps fort pour se rencontrer, réfléchir "
            "collectivement et faire avancer la cause associative, le 1er juillet à "
            "Arras.</p>",
            "cta_label": "Plus d'info ici",
            "toc_label": SOMMAIRE[6][1][0],
        },
        {
            "kind": "article",
            "section": VEILLE,
            "article": "marchandisation-et-demarchandisation-monde-associatif",
            "title": "Entre marchandisation et démarchandisation : un monde associatif à la "
            "croisée des chemins",
            "body": "<p>L'observatoire citoyen de la marchandisation des associations (OCMA) a "
            "été créé en 2022. Il est aujourd'hui porté par 16 réseaux et associations et un "
            "conseil scientifique de 14 chercheur·se·s.</p>",
            "cta_label": "Plus d'info ici",
            "cta_url": article("marchandisation-et-demarchandisation-monde-associatif"),
        },
        {
            "kind": "article",
            "section": VEILLE,
            "article": "prendre-le-pouvoir-pour-le-partager-communes-participatives",
            "title": "Prendre le pouvoir pour le partager",
            "subtitle": "Expériences et apprentissages des communes participatives, 2020 - 2026",
            "body": "<p>Le but : mettre en lumière des expériences et expérimentations "
            "démocratiques, sociales et écologiques, à partir de l'échelle communale.</p>",
            "cta_label": "Lire l'article",
            "cta_url": article("prendre-le-pouvoir-pour-le-partager-communes-participatives"),
        },
        {
            "kind": "article",
            "section": VEILLE,
            "article": "autonomie-numerique-fondee-sur-les-communs",
            "title": "Rencontre « Pour une autonomie numérique fondée sur les communs »",
            "body": "<p>La rencontre réunira des acteurs du numérique, des chercheurs et des "
            "décideurs publics pour discuter des enjeux et des défis liés à la souveraineté "
            "numérique et aux communs.</p>",
            "cta_label": "Plus d'infos",
            "cta_url": article("autonomie-numerique-fondee-sur-les-communs"),
        },
        {
            "kind": "article",
            "section": VEILLE,
            "article": "forum-mondial-de-l-ess-bordeaux-2025",
            "title": "Forum mondial de l'ESS - Bordeaux 2025",
            "body": "<p>Une thématique générale : « L'ESS, une condition pour la transition "
            "juste vers des territoires résilients et le bien-être de leurs habitants "
            "».</p>",
            "cta_label": "Plus d'infos",
            "cta_url": article("forum-mondial-de-l-ess-bordeaux-2025"),
        },
    ]
