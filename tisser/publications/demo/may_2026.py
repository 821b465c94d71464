"""The Infolettre of 28 May 2026 (shared/seeds/001_…), block by block, as the composer
stores it. `event`, `article`, `resource` name by slug what a block pulls in; `full` what
the agenda said of the event on the issue's day (every event the seed announces still had
places: the Fresque in Lens filled up later). The demo loader and the acceptance test
(which composes it through the staff pages) share it.
"""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse

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
SENT_AT = (dt.date(2026, 5, 28), 9, 30)

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

SEED_FACTS = {
    "Rencontre des Solidaires du 11 juin au Bazaar St So à Lille": [
        "Le 11 juin, au Bazaar St So à Lille",
        "09h45 • AG de l'APES",
        "kit de communication",
    ],
    "Journée dédiée à l'économie de proximité, le 10 juin à Albert": [
        "mercredi 10 juin à La Manufacture du Coquelicot à Albert",
    ],
    "Fresque du handicap en emploi, le 16 juin à Lens et le 19 juin à Lille": [
        "le 16 juin à Lens et le 19 juin à Lille",
        "mardi 16 juin, à Lens au Toit Commun de 10h à 13h",
        "vendredi 19 juin, à Lille à la Maison Stéphane Hessel de 9h30 à 12h30",
    ],
    "Ramène ta Gamelle, le 3 juillet à Tourcoing": [
        "Vendredi 3 juillet",
        "à la Fabrique de l'Emploi, à Tourcoing",
    ],
    'Matinale "serious game - parcours d\'un·e migrant·e", le 9 juillet à Lens': [
        "Jeudi 9 juillet",
        "au Toit Commun, à Lens",
    ],
    "Adhérez en 2026": ["Adhérez en 2026"],
    "Expérimenter les plateformes de l'économie solidaire dans les territoires": [
        "Hellemmes et le Pays du Coquelicot",
    ],
    "Visites inspirantes d'initiatives de transition Franco-Belge, le 14 juin entre Tournai "
    "et Templeuve-en-Pévèle": ["le 14 juin entre Tournai et Templeuve-en-Pévèle"],
    "Décryptage du Labo de l'ESS sur les Municipales 2026": ["Municipales 2026"],
    "GéoTerritoires, système d'information territorial": ["celle des déchets"],
}
"""What each entry's block says, as the seed prints it: its dates and places."""

AGENDA_DATES = {
    "rencontre-des-solidaires-2026": ["jeudi 11 juin 2026", "Bazaar St So, Lille"],
    "journee-economie-de-proximite-albert-2026": [
        "mercredi 10 juin 2026",
        "La Manufacture du Coquelicot, Albert",
    ],
    "fresque-du-handicap-en-emploi-2026": [
        "mardi 16 juin 2026",
        "Le Toit Commun, Lens",
        "vendredi 19 juin 2026",
        "Maison Stéphane Hessel, Lille",
    ],
    "ramene-ta-gamelle-tourcoing-2026": [
        "vendredi 3 juillet 2026",
        "La Fabrique de l'Emploi, Tourcoing",
    ],
    "matinale-serious-game-parcours-migrant-2026": ["jeudi 9 juillet 2026", "Le Toit Commun, Lens"],
    "visites-inspirantes-transition-franco-belge-2026": [
        "dimanche 14 juin 2026",
        "Templeuve-en-Pévèle",
    ],
}
"""What the agenda says of the events the issue pulls in, on the seed's dates."""


def _observatory(site: str) -> str:
    """GéoTerritoires is what Tisser's observatory does: the demo links to it."""
    try:
        return site + reverse("observatory:home")
    except NoReverseMatch:
        return "https://www.geoterritoires.fr/"


def blocks(site: str = "") -> list[dict]:
    """The composition, block by block."""
    agenda = site + reverse("events:agenda")
    join = site + reverse("memberships:join")
    kit = site + reverse(
        "publications:resource",
        kwargs={"slug": "kit-de-communication-rencontre-des-solidaires-2026"},
    )
    return [
        {
            "kind": "headline",
            "title": "Re-join le mouvement 🐞",
            "body": "<p>Semaine des achats socialement et écologiquement responsables, Semaine "
            "de la qualité de vie et des conditions de travail, Rencontre des Solidaires, AG de "
            "l'APES...</p>",
            "cta_label": "👉 Je m'inscris à la Rencontre des Solidaires",
            "cta_url": site
            + reverse("events:register", kwargs={"slug": "rencontre-des-solidaires-2026"}),
            "in_toc": False,
        },
        {
            "kind": "event",
            "event": "rencontre-des-solidaires-2026",
            "full": False,
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
            f'Utilisez les éléments fournis dans le <a href="{kit}">kit de communication</a> '
            "🐘</p>",
            "cta_label": "👉 Je m'inscris à la Rencontre des Solidaires",
            "toc_label": "Rencontre des Solidaires du 11 juin au Bazaar St So à Lille",
        },
        {
            "kind": "event",
            "event": "journee-economie-de-proximite-albert-2026",
            "full": False,
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
            "full": False,
            "title": "Fresque du handicap en emploi",
            "subtitle": "le 16 juin à Lens et le 19 juin à Lille",
            "body": "<p>À travers un atelier interactif de 3h, la fresque du handicap en emploi "
            "permet aux participant·e·s de <strong>prendre conscience des enjeux liés à "
            "l'inclusion du handicap</strong> et de réfléchir à des <strong>actions "
            "concrètes</strong>.</p><p>Dans le cadre de la Semaine de la Qualité de Vie et "
            "des Conditions de Travail et de la recherche-action AgiRH, l'APES anime 2 "
            "ateliers :</p><ul><li>mardi 16 juin, à Lens au Toit Commun de 10h à 13h</li>"
            "<li>vendredi 19 juin, à Lille à la Maison Stéphane Hessel de 9h30 à 12h30</li>"
            "</ul>",
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
            "full": False,
            "title": "Ramène ta gamelle",
            "subtitle": "Vendredi 3 juillet à la Fabrique de l'Emploi, à Tourcoing",
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
            "full": False,
            "title": "Matinale : serious game",
            "subtitle": "Parcours d'un·e migrant·e · Jeudi 9 juillet au Toit Commun, à Lens",
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
            "full": False,
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
            "cta_url": _observatory(site),
            "toc_label": "GéoTerritoires, système d'information territorial",
        },
    ]
