"""The events the two newsletters announce, at the dates they print, with what they say:
programme times, venues, partners, places, eligibility, and what happened at each
(`history`: registrations, waiting list, attendance — see `demo_history.py`).

Each event: its fields, then `sessions` as (day, start "HH:MM", end "HH:MM", extra), the
day a date; `demo_upcoming.py` uses the same shape with a number of days from today.
What the seeds do not say is left out rather than invented (no date for the Forum mondial
de l'ESS, no place for the Journée Démocratie alimentaire); where an event needs more
than the seeds give, a comment says what was chosen.
"""

from __future__ import annotations

import datetime as dt

KIT_TEXT = """Kit de communication — Rencontre des Solidaires du 11 juin 2026

Contenu : visuel de l'événement (format carré et bandeau), logo de l'APES, texte court
pour vos réseaux sociaux et votre infolettre, lien d'inscription.

« Pas de spectateurs, que des acteurs ! » — Je m'inscris à la Rencontre des Solidaires.
"""

RENCONTRE_PROGRAMME = [
    ("09:00", None, "On commence par le plaisir de se retrouver", []),
    (
        "09:45",
        None,
        "AG de l'APES : état des lieux, ambitions et projets ; on dessine l'avenir du réseau",
        [],
    ),
    ("11:30", None, "Cartographie coopérative de l'économie solidaire", []),
    (
        "12:00",
        None,
        "Déjeuner convivial organisé par Coop Manau : pour tisser des liens et construire "
        "des ponts",
        [],
    ),
    (
        "13:30",
        None,
        "Ateliers coopératifs : on s'approprie les thématiques des 2 conférences à suivre, et "
        "on prépare nos questions",
        [
            (
                "S'adapter à l'évolution des financements : quels nouveaux modèles pour "
                "l'économie solidaire ?",
                75,
            ),
            (
                "S'adapter à l'évolution du numérique : quelles nouvelles pratiques pour "
                "l'économie solidaire ?",
                75,
            ),
        ],
    ),
    (
        "15:30",
        None,
        "Conférences inversées : pas de longs discours, les intervenant·e·s répondront à nos "
        "questions issues des ateliers",
        [],
    ),
    ("17:00", None, "Clôture conviviale", []),
]
RENCONTRE_QUESTIONS = [
    (
        "Régime alimentaire pour le déjeuner",
        "choice",
        "Aucun en particulier\nVégétarien\nVégétalien\nSans gluten\nAutre (précisez ci-dessous)",
        True,
    ),
    ("Besoins d'accessibilité ou autre précision", "text", "", False),
]


def fresque_sessions(lens_day, lille_day) -> list:
    """The Fresque du handicap en emploi: Lens (Le Toit Commun, 10h-13h), then Lille (la
    Maison Stéphane Hessel, 9h30-12h30), 20 places each, registered for separately."""
    return [
        (
            lens_day,
            "10:00",
            "13:00",
            {"title": "Lens", "venue_name": "Le Toit Commun", "commune": "62498", "capacity": 20},
        ),
        (
            lille_day,
            "09:30",
            "12:30",
            {
                "title": "Lille",
                "venue_name": "Maison Stéphane Hessel",
                "address": "235 boulevard Paul Painlevé",
                "commune": "59350",
                "capacity": 20,
            },
        ),
    ]


def parcours_sessions(days: list) -> list:
    """The parcours "La coopération à tous les étages !": four days and a half day."""
    sessions = [
        (day, "09:00", "17:00", {"title": f"Séquence {n}"}) for n, day in enumerate(days[:4], 1)
    ]
    return [*sessions, (days[4], "09:00", "12:30", {"title": "Séquence 5 (demi-journée)"})]


PARCOURS = {
    "kind": "formation",
    "venue_name": "Le Toit Commun",
    "commune": "62498",
    "organisers": ["apes-hauts-de-france"],
    "partners": ["le-toit-commun-lens"],
    "registration_mode": "course",
    "reserved_for": "les acteurs du Budget citoyen du Pas-de-Calais",
    "min_participants": 8,
    "max_participants": 12,
    "questions": [("Votre projet soutenu par le Budget citoyen", "text", "", True)],
}
"""What every session of the parcours shares: the place, the 8 to 12 participants, who
may register."""


# Each event: its fields, then `sessions` as (day, start "HH:MM", end "HH:MM", extra), the
# day a date (the seeds') or a number of days from today (`UPCOMING`); `history` for what
# happened at a past event (registrations, waiting list, attendance: demo_history.py).
EVENTS = [
    # --- the Infolettre of June 2025 ------------------------------------------------------
    {
        "slug": "rencontre-des-solidaires-2025",
        "title": "Rencontre des Solidaires 2025 — Nos démocraties désirables",
        "kind": "rencontre",
        "summary": "La 2ᵉ édition, à Louvre-Lens Vallée : 180 acteurs de l'économie "
        "solidaire réunis.",
        "description": "<p>La 2ème édition de la Rencontre des Solidaires a réuni 180 acteurs "
        "de l'économie solidaire et a porté les fruits que nous en espérions : des débats qui "
        "ont généré de riches échanges avec la salle, des prises de contact en vue de "
        "coopérations futures entre acteurs, des découvertes d'initiatives et d'outils "
        "originaires de toute la région.</p><p>Avec l'AG de l'APES et l'élection de son "
        "Collectif.</p>",
        "venue_name": "Louvre-Lens Vallée",
        "commune": "62498",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["louvre-lens-vallee"],
        "sessions": [(dt.date(2025, 6, 12), "09:00", "17:30", {"capacity": 200})],
        "history": {"confirmed": 196, "present": 180},
    },
    {
        "slug": "journee-democratie-alimentaire-2025",
        "title": "Journée Démocratie alimentaire",
        "kind": "journee-thematique",
        "summary": "Il y a du pain sur la planche ! La journée a très vite fait le plein de "
        "ses 150 places.",
        "description": "<p>Preuve de l'intérêt et de l'urgence du sujet, notre Journée "
        "Démocratie alimentaire a très vite fait le plein de ses 150 places. Des éléments de "
        "capitalisation des initiatives régionales seront bientôt disponibles.</p>",
        "organisers": ["apes-hauts-de-france"],
        # The seeds give the day, not the place nor the hours of the day.
        "sessions": [(dt.date(2025, 7, 3), "09:00", "17:00", {"capacity": 150})],
        "history": {"confirmed": 150, "waiting": 23, "present": 141},
    },
    {
        "slug": "parcours-amelioration-continue-des-pratiques-2025",
        "title": "Parcours amélioration continue des pratiques — session 2025",
        "summary": "La coopération à tous les étages ! Comment déployer son activité sur son "
        "territoire par la coopération ? 5 séquences collectives, 4,5 jours sur 4 mois.",
        "description": "<p>5 séquences collectives pour pratiquer la coopération à différents "
        "niveaux : apports théoriques et application. Démarrage le 16 septembre 2025 au Toit "
        "commun à Lens.</p><p>Avec le Département du Pas-de-Calais.</p>",
        **PARCOURS,
        "closes_on": dt.date(2025, 8, 15),
        # The seeds give the start (16 Sept.) and "4,5 jours sur 4 mois": the four later
        # sequences are placed a month apart, the last one a half day.
        "sessions": parcours_sessions(
            [
                dt.date(2025, 9, 16),
                dt.date(2025, 10, 14),
                dt.date(2025, 11, 18),
                dt.date(2025, 12, 9),
                dt.date(2026, 1, 13),
            ]
        ),
        "history": {"confirmed": 10, "present": 10},
    },
    {
        "slug": "ramene-ta-gamelle-anzin-2025",
        "title": "Vie de réseau APES : Ramène ta gamelle !",
        "kind": "convivial",
        "summary": "3ᵉ mise en musique des réflexions du groupe « Vie de Réseau » : favoriser "
        "interconnaissance et coopérations entre acteurs d'un territoire.",
        "commune": "59014",
        "organisers": ["apes-hauts-de-france"],
        "sessions": [(dt.date(2025, 7, 4), "12:00", "14:30", {"capacity": 40})],
        "history": {"confirmed": 22, "present": 19},
    },
    {
        "slug": "recherche-action-handicap-co-construction-2025",
        "title": "Recherche-action : la place du handicap dans l'emploi et le travail au quotidien",
        "kind": "atelier",
        "summary": "2 journées de co-construction pour aboutir à des propositions concrètes.",
        "description": "<p>Employeur·se, salarié·e ou bénévole de l'ESS, vous avez vécu une "
        "situation au travail questionnant la prise en compte du handicap en milieu "
        "professionnel ? Rejoignez la prochaine étape de notre recherche-action.</p>",
        "commune": "59350",
        "organisers": ["apes-hauts-de-france"],
        "registration_mode": "course",
        "sessions": [
            (dt.date(2025, 9, 16), "09:30", "16:30", {"title": "Journée 1", "capacity": 25}),
            (dt.date(2025, 10, 14), "09:30", "16:30", {"title": "Journée 2", "capacity": 25}),
        ],
        "history": {"confirmed": 18, "present": 16},
    },
    {
        "slug": "rendez-vous-regional-vie-associative-arras-2025",
        "title": "Rendez-vous régional de la vie associative",
        "kind": "rencontre",
        "summary": "Le modèle d'intérêt général : les associations en tension entre enjeux "
        "économiques et politiques.",
        "description": "<p>Le Mouvement associatif propose un temps fort pour se rencontrer, "
        "réfléchir collectivement et faire avancer la cause associative.</p>",
        "venue_name": "Université d'Artois",
        "commune": "62041",
        "external": "https://lemouvementassociatif-hdf.org/",
        "organiser_name": "Le Mouvement associatif Hauts-de-France",
        "sessions": [(dt.date(2025, 7, 1), "09:30", "17:00", {})],
    },
    {
        "slug": "conference-internationale-du-travail-geneve-2025",
        "title": "Conférence internationale du travail (113ᵉ session)",
        "kind": "conference",
        "summary": "Le RIPESS suit les débats sur l'économie des plateformes et sa "
        "transition vers l'économie formelle.",
        "venue_name": "Palais des Nations, Genève",
        "country": "CH",
        "external": "https://www.ilo.org/",
        "organiser_name": "Organisation internationale du Travail (OIT)",
        "sessions": [(dt.date(2025, 6, 2), "09:00", "18:00", {"days": 12})],
    },
    # --- the Infolettre of 28 May 2026 ----------------------------------------------------
    {
        "slug": "rencontre-des-solidaires-2026",
        "title": "Rencontre des Solidaires",
        "kind": "rencontre",
        "summary": "Pas de spectateurs, que des acteurs ! La journée de l'économie solidaire "
        "en Hauts-de-France, avec l'AG de l'APES.",
        "description": "<p>Le grand rendez-vous annuel du réseau, au <strong>Bazaar St So"
        "</strong> à Lille : l'AG de l'APES, la cartographie coopérative de l'économie "
        "solidaire, un déjeuner convivial organisé par Coop Manau, des ateliers coopératifs "
        "et des conférences inversées.</p><p>La 2ᵉ édition a réuni 180 acteurs de "
        "l'économie solidaire.</p>",
        "venue_name": "Bazaar St So",
        "address": "17 boulevard Jean-Baptiste Lebas",
        "commune": "59350",
        "accessibility": "Lieu de plain-pied, accessible en fauteuil roulant. Dites-nous vos "
        "besoins dans le formulaire.",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["coop-manau", "bazaar-st-so"],
        "sessions": [(dt.date(2026, 6, 11), "09:00", "17:30", {"capacity": 150})],
        "programme": RENCONTRE_PROGRAMME,
        "questions": RENCONTRE_QUESTIONS,
        "kit": True,
        "history": {"confirmed": 140, "present": 127},
    },
    {
        "slug": "journee-economie-de-proximite-albert-2026",
        "title": "Journée dédiée à l'économie de proximité",
        "kind": "journee-thematique",
        "summary": "« Achat local = achat responsable » : une journée d'échanges sur "
        "l'économie de proximité, dans le cadre de la SASER 2026.",
        "description": "<p>Que vous soyez une entreprise, une collectivité ou un acteur du "
        "territoire : venez (re)découvrir les acteurs de l'ESS, renforcer vos achats "
        "responsables, nouer de nouveaux contacts… Organisée par l'APES aux côtés de La "
        "Manufacture du Coquelicot, de la Communauté de communes Pays du Coquelicot et de "
        "la MEEF Santerre Haute Somme, dans le cadre de la Semaine des Achats Socialement et "
        "écologiquement Responsables 2026.</p>",
        "venue_name": "La Manufacture du Coquelicot",
        "commune": "80016",
        "organisers": ["apes-hauts-de-france"],
        "partners": [
            "la-manufacture-du-coquelicot",
            "communaute-de-communes-du-pays-du-coquelicot",
            "meef-santerre-haute-somme",
        ],
        "sessions": [(dt.date(2026, 6, 10), "08:00", "17:00", {})],
        "programme": [
            (
                "08:00",
                "17:00",
                "Porte ouverte à La Manufacture du Coquelicot et exposition autour de l'ESS",
                [],
            ),
            ("08:00", "13:00", "Sourcing « Appel d'offres » et interconnaissance", []),
            ("10:30", "11:30", "Table ronde « Démarche RSE et la place de l'ESS »", []),
        ],
        "history": {"confirmed": 38, "present": 33},
    },
    {
        "slug": "fresque-du-handicap-en-emploi-2026",
        "title": "Fresque du handicap en emploi",
        "kind": "fresque",
        "summary": "Un atelier interactif de 3 h pour prendre conscience des enjeux liés à "
        "l'inclusion du handicap et réfléchir à des actions concrètes.",
        "description": "<p>Dans le cadre de la <strong>Semaine de la Qualité de Vie et des "
        "Conditions de Travail</strong> et de la recherche-action <strong>AgiRH</strong>, "
        "l'APES anime 2 ateliers : à Lens et à Lille. Inscrivez-vous à l'un ou "
        "l'autre.</p>",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["le-toit-commun-lens", "maison-stephane-hessel"],
        "sessions": fresque_sessions(dt.date(2026, 6, 16), dt.date(2026, 6, 19)),
        # Lens filled up after the newsletter, with three people waiting; Lille did not.
        "history": {"sessions": [(20, 3, 18), (14, 0, 12)]},
    },
    {
        "slug": "ramene-ta-gamelle-tourcoing-2026",
        "title": "Ramène ta gamelle",
        "kind": "convivial",
        "summary": "Un moment convivial où chacun·e apporte son repas : se faire connaître, "
        "découvrir d'autres membres du réseau, tisser des liens !",
        "description": "<p>La vie de réseau de l'APES, ce sont des moments organisés par et "
        "pour les membres du réseau, pour échanger, apprendre, se ressourcer en "
        "collectif.</p>",
        "venue_name": "La Fabrique de l'Emploi",
        "commune": "59599",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["la-fabrique-de-l-emploi"],
        # The seeds give the day: the hours are those of the Ramène ta gamelle of 2025.
        "sessions": [(dt.date(2026, 7, 3), "12:00", "14:30", {"capacity": 40})],
        "history": {"confirmed": 24, "present": 21},
    },
    {
        "slug": "matinale-serious-game-parcours-migrant-2026",
        "title": "Matinale : serious game « Parcours d'un·e migrant·e »",
        "kind": "matinale",
        "summary": "Un jeu sérieux pour réduire les stéréotypes et les idées reçues sur les "
        "personnes migrantes auprès des citoyen·ne·s européen·ne·s.",
        "venue_name": "Le Toit Commun",
        "commune": "62498",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["le-toit-commun-lens"],
        "sessions": [(dt.date(2026, 7, 9), "09:00", "11:30", {"capacity": 25})],
        "history": {"confirmed": 17, "present": 15},
    },
    {
        "slug": "visites-inspirantes-transition-franco-belge-2026",
        "title": "Visites inspirantes d'initiatives de transition Franco-Belge",
        "kind": "visite",
        "summary": "Une journée de rencontres entre initiatives citoyennes de transition de "
        "part et d'autre de la frontière, entre Tournai et Templeuve-en-Pévèle.",
        "description": "<p>Dans le cadre du projet CASTOR (Communities in Action "
        "Strengthening Territorial Environment and Resilience), le Réseau Transition "
        "Belgique et le Réseau Transition Hauts-de-France vous invitent.</p>",
        "venue_name": "Entre Tournai et Templeuve-en-Pévèle",
        "commune": "59586",
        "external": "https://www.reseautransition.be/",
        "organiser_name": "Réseau Transition Belgique et Réseau Transition Hauts-de-France",
        "sessions": [(dt.date(2026, 6, 14), "09:00", "18:00", {})],
    },
]
