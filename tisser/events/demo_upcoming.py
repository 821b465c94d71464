"""The live part of the demo agenda: events dated from the day of the first load (session
days are numbers of days from then), so a newcomer always finds something to register
for — the next Ramène ta gamelle, a Matinale already full with its waiting list, the
Fresque in Lens and Lille, the next session of the parcours with its closing date, and the
next Rencontre des Solidaires, whose theme and venue are still open to proposals.

`fill` registers that many contacts through the registration service (or, for a session,
`fill_session` = (index, count)), as people would have."""

from __future__ import annotations

from .demo_seeds import PARCOURS, fresque_sessions, parcours_sessions

UPCOMING = [
    {
        "slug": "ramene-ta-gamelle-prochaine",
        "title": "Ramène ta gamelle",
        "kind": "convivial",
        "summary": "Un moment convivial où chacun·e apporte son repas : se faire connaître, "
        "découvrir d'autres membres du réseau, tisser des liens !",
        "venue_name": "La Fabrique de l'Emploi",
        "commune": "59599",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["la-fabrique-de-l-emploi"],
        "sessions": [(16, "12:00", "14:30", {"capacity": 40})],
        "fill": 12,
    },
    {
        "slug": "matinale-cooperer-sur-son-territoire",
        "title": "Matinale : coopérer entre structures d'un même territoire",
        "kind": "matinale",
        "summary": "Un petit-déjeuner d'échanges : ce qui marche, ce qui coince, quand des "
        "structures de l'ESS d'un même territoire décident de coopérer.",
        "venue_name": "Le Toit Commun",
        "commune": "62498",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["le-toit-commun-lens"],
        "sessions": [(23, "09:00", "11:30", {"capacity": 25})],
        "fill": 28,  # full: three people on the waiting list
    },
    {
        "slug": "fresque-du-handicap-en-emploi",
        "title": "Fresque du handicap en emploi",
        "kind": "fresque",
        "summary": "Un atelier interactif de 3 h pour prendre conscience des enjeux liés à "
        "l'inclusion du handicap et réfléchir à des actions concrètes.",
        "description": "<p>Dans le cadre de la recherche-action <strong>AgiRH</strong>, "
        "l'APES anime 2 ateliers : à Lens et à Lille. Inscrivez-vous à l'un ou "
        "l'autre.</p>",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["le-toit-commun-lens", "maison-stephane-hessel"],
        "sessions": fresque_sessions(30, 37),
        "fill_session": (0, 8),
    },
    {
        "slug": "parcours-amelioration-continue-des-pratiques",
        "title": "Parcours amélioration continue des pratiques — prochaine session",
        "summary": "La coopération à tous les étages ! 5 séquences collectives, 4,5 jours sur "
        "4 mois, pour 8 à 12 participants.",
        "description": "<p>5 séquences collectives pour pratiquer la coopération à différents "
        "niveaux : apports théoriques et application, au Toit Commun à Lens.</p>",
        **PARCOURS,
        "closes_on": 45,
        "sessions": parcours_sessions([75, 103, 131, 159, 194]),
        "fill": 5,
    },
    {
        "slug": "rencontre-des-solidaires-prochaine-edition",
        "title": "Rencontre des Solidaires — prochaine édition",
        "kind": "rencontre",
        "summary": "Rendez-vous l'année prochaine ! Le thème et le lieu se choisissent avec "
        "vous : vos propositions sont les bienvenues.",
        "description": "<p>Pas de spectateurs, que des acteurs ! Le grand rendez-vous annuel "
        "du réseau revient, avec l'AG de l'APES. Proposez un thème, un lieu pour nous "
        "accueillir : répondez à l'appel à propositions.</p>",
        "organisers": ["apes-hauts-de-france"],
        "sessions": [(190, "09:00", "17:30", {"capacity": 150})],
        "questions": [
            (
                "Régime alimentaire pour le déjeuner",
                "choice",
                "Aucun en particulier\nVégétarien\nVégétalien\nSans gluten",
                True,
            ),
        ],
        "fill": 9,
    },
]

CALL = {
    "slug": "rencontre-des-solidaires-vos-propositions",
    "event": "rencontre-des-solidaires-prochaine-edition",
    "title": "Rencontre des Solidaires : vos propositions de thème et de lieu",
    "text": "Rendez-vous l'année prochaine ! Vos propositions de thème et de lieu sont les "
    "bienvenues : dites-nous ce que vous aimeriez débattre, et où vous aimeriez nous "
    "accueillir.",
}
