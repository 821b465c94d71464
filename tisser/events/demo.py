"""The seeds' events for the demo network (`manage.py load_demo_events`).

Every event both newsletters announce, with what they say: programme times, venues,
partners, places, eligibility. The seeds' dates are past; each event keeps its weekday-free
shape (times, gaps between sessions) but is dated relative to the day of the first load,
so the agenda is never empty. Idempotent by slug: an event already there is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tisser.directory.models import Organisation, Person
from tisser.territories.models import Commune

from . import services
from .models import (
    Event,
    EventAttachment,
    EventKind,
    ProgrammeItem,
    Question,
    Registration,
    Session,
    Workshop,
)

KINDS = [
    ("rencontre", "Rencontre"),
    ("matinale", "Matinale"),
    ("atelier", "Atelier"),
    ("formation", "Formation / parcours"),
    ("fresque", "Fresque"),
    ("convivial", "Moment convivial"),
    ("journee-thematique", "Journée thématique"),
    ("visite", "Visite"),
    ("webinaire", "Webinaire"),
    ("conference", "Conférence"),
]

KIT_TEXT = """Kit de communication — Rencontre des Solidaires

Contenu : visuel de l'événement (format carré et bandeau), logo de l'APES, texte court
pour vos réseaux sociaux et votre infolettre, lien d'inscription.

« Pas de spectateurs, que des acteurs ! » — Je m'inscris à la Rencontre des Solidaires.
"""

# Each event: (slug, fields, sessions, programme, extras). Sessions are (days from the
# first load, start "HH:MM", end "HH:MM", extra fields); `None` days for a multi-day span.
EVENTS = [
    {
        "slug": "rencontre-des-solidaires",
        "title": "Rencontre des Solidaires",
        "kind": "rencontre",
        "summary": "Pas de spectateurs, que des acteurs ! La journée de l'économie solidaire "
        "en Hauts-de-France, avec l'AG de l'APES.",
        "description": "<p>Le grand rendez-vous annuel du réseau, au <strong>Bazaar St So</strong>"
        " à Lille : l'AG de l'APES, la cartographie coopérative de l'économie solidaire, un "
        "déjeuner convivial organisé par Coop Manau, des ateliers coopératifs et des "
        "conférences inversées.</p><p>La 2ᵉ édition a réuni 180 acteurs de l'économie "
        "solidaire.</p>",
        "venue_name": "Bazaar St So",
        "address": "17 boulevard Jean-Baptiste Lebas",
        "commune": "59350",
        "accessibility": "Lieu de plain-pied, accessible en fauteuil roulant. Dites-nous vos "
        "besoins dans le formulaire.",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["coop-manau", "bazaar-st-so"],
        "sessions": [(25, "09:00", "17:30", {"capacity": 150})],
        "programme": [
            ("09:00", None, "On commence par le plaisir de se retrouver", []),
            (
                "09:45",
                None,
                "AG de l'APES : état des lieux, ambitions et projets ; on dessine l'avenir "
                "du réseau",
                [],
            ),
            ("11:30", None, "Cartographie coopérative de l'économie solidaire", []),
            (
                "12:00",
                None,
                "Déjeuner convivial organisé par Coop Manau : pour tisser des liens et "
                "construire des ponts",
                [],
            ),
            (
                "13:30",
                None,
                "Ateliers coopératifs : on s'approprie les thématiques des 2 conférences à "
                "suivre, et on prépare nos questions",
                [
                    (
                        "S'adapter à l'évolution des financements : quels nouveaux modèles pour "
                        "l'économie solidaire ?",
                        75,
                    ),
                    (
                        "S'adapter à l'évolution du numérique : quelles nouvelles pratiques "
                        "pour l'économie solidaire ?",
                        75,
                    ),
                ],
            ),
            (
                "15:30",
                None,
                "Conférences inversées : pas de longs discours, les intervenant·e·s "
                "répondront à nos questions issues des ateliers",
                [],
            ),
            ("17:00", None, "Clôture conviviale", []),
        ],
        "questions": [
            (
                "Régime alimentaire pour le déjeuner",
                "choice",
                "Aucun en particulier\nVégétarien\nVégétalien\nSans gluten\nAutre (précisez "
                "ci-dessous)",
                True,
            ),
            ("Besoins d'accessibilité ou autre précision", "text", "", False),
        ],
        "kit": True,
        "fill": 140,
    },
    {
        "slug": "journee-economie-de-proximite-albert",
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
        "sessions": [(24, "08:00", "17:00", {})],
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
    },
    {
        "slug": "fresque-du-handicap-en-emploi",
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
        "sessions": [
            (
                30,
                "10:00",
                "13:00",
                {
                    "title": "Lens",
                    "venue_name": "Le Toit Commun",
                    "commune": "62498",
                    "capacity": 20,
                },
            ),
            (
                33,
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
        ],
        "fill_session": (0, 23),  # Lens full, three waiting
    },
    {
        "slug": "ramene-ta-gamelle-tourcoing",
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
        "sessions": [(47, "12:00", "14:30", {"capacity": 40})],
    },
    {
        "slug": "ramene-ta-gamelle-anzin",
        "title": "Ramène ta gamelle — Anzin",
        "kind": "convivial",
        "summary": "3ᵉ mise en musique des réflexions du groupe « Vie de Réseau » : favoriser "
        "interconnaissance et coopérations entre acteurs d'un territoire.",
        "commune": "59014",
        "organisers": ["apes-hauts-de-france"],
        "sessions": [(-150, "12:00", "14:30", {"capacity": 40})],
    },
    {
        "slug": "matinale-serious-game-parcours-migrant",
        "title": "Matinale : serious game « Parcours d'un·e migrant·e »",
        "kind": "matinale",
        "summary": "Un jeu sérieux pour réduire les stéréotypes et les idées reçues sur les "
        "personnes migrantes auprès des citoyen·ne·s européen·ne·s.",
        "venue_name": "Le Toit Commun",
        "commune": "62498",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["le-toit-commun-lens"],
        "sessions": [(53, "09:00", "11:30", {"capacity": 25})],
        "members_only": False,
    },
    {
        "slug": "matinale-ia-aubaine-ou-piege",
        "title": "Matinale « L'IA : aubaine ou piège ? »",
        "kind": "matinale",
        "summary": "Avec le jeu « La bataille de l'IA » de l'association Latitudes, animé "
        "par Marion Studer.",
        "venue_name": "Maison Stéphane Hessel",
        "address": "235 boulevard Paul Painlevé",
        "commune": "59350",
        "organisers": ["apes-hauts-de-france"],
        "sessions": [(-170, "09:00", "11:30", {"capacity": 25})],
    },
    {
        "slug": "parcours-amelioration-continue-des-pratiques",
        "title": "Parcours amélioration continue des pratiques — La coopération à tous les "
        "étages !",
        "kind": "formation",
        "summary": "Comment déployer son activité sur son territoire par la coopération ? "
        "5 séquences collectives, 4,5 jours sur 4 mois.",
        "description": "<p>5 séquences collectives pour pratiquer la coopération à différents "
        "niveaux : apports théoriques et application. Démarrage au Toit commun à "
        "Lens.</p><p>Avec le Département du Pas-de-Calais.</p>",
        "venue_name": "Le Toit Commun",
        "commune": "62498",
        "organisers": ["apes-hauts-de-france"],
        "partners": ["le-toit-commun-lens"],
        "registration_mode": "course",
        "reserved_for": "les acteurs du Budget citoyen du Pas-de-Calais",
        "min_participants": 8,
        "max_participants": 12,
        "closes_in_days": 45,
        "sessions": [
            (75, "09:00", "17:00", {"title": "Séquence 1"}),
            (96, "09:00", "17:00", {"title": "Séquence 2"}),
            (124, "09:00", "17:00", {"title": "Séquence 3"}),
            (152, "09:00", "17:00", {"title": "Séquence 4"}),
            (187, "09:00", "12:30", {"title": "Séquence 5 (demi-journée)"}),
        ],
        "questions": [
            ("Votre projet soutenu par le Budget citoyen", "text", "", True),
        ],
        "fill": 5,
    },
    {
        "slug": "recherche-action-handicap-co-construction",
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
            (66, "09:30", "16:30", {"title": "Journée 1", "capacity": 25}),
            (94, "09:30", "16:30", {"title": "Journée 2", "capacity": 25}),
        ],
    },
    {
        "slug": "journee-democratie-alimentaire",
        "title": "Journée Démocratie alimentaire",
        "kind": "journee-thematique",
        "summary": "Elle a très vite fait le plein de ses 150 places.",
        "commune": "59350",
        "organisers": ["apes-hauts-de-france"],
        "sessions": [(-140, "09:00", "17:00", {"capacity": 150})],
    },
    {
        "slug": "visites-inspirantes-transition-franco-belge",
        "title": "Visites inspirantes d'initiatives de transition franco-belges",
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
        "sessions": [(28, "09:00", "18:00", {})],
    },
    {
        "slug": "rendez-vous-regional-vie-associative-arras",
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
        "sessions": [(40, "09:30", "17:00", {})],
    },
    {
        "slug": "autonomie-numerique-communs",
        "title": "Rencontre « Pour une autonomie numérique fondée sur les communs »",
        "kind": "webinaire",
        "summary": "Acteurs du numérique, chercheurs et décideurs publics discutent de la "
        "souveraineté numérique et des communs.",
        "online_url": "https://visio.example.org/autonomie-numerique",
        "external": "https://example.org/autonomie-numerique-communs",
        "organiser_name": "Collectif pour une autonomie numérique",
        "sessions": [(58, "14:00", "17:00", {})],
    },
    {
        "slug": "forum-mondial-ess-bordeaux",
        "title": "Forum mondial de l'ESS — Bordeaux",
        "kind": "conference",
        "summary": "« L'ESS, une condition pour la transition juste vers des territoires "
        "résilients et le bien-être de leurs habitants ».",
        "venue_name": "Palais des congrès de Bordeaux",
        "commune": "33063",
        "external": "https://www.gsef-net.org/",
        "organiser_name": "Global Social Economy Forum (GSEF)",
        "sessions": [(120, "09:00", "18:00", {"days": 3})],
    },
    {
        "slug": "conference-internationale-du-travail-geneve",
        "title": "Conférence internationale du travail (113ᵉ session)",
        "kind": "conference",
        "summary": "Le RIPESS suit les débats sur l'économie des plateformes et sa "
        "transition vers l'économie formelle.",
        "venue_name": "Palais des Nations, Genève",
        "country": "CH",
        "external": "https://www.ilo.org/",
        "organiser_name": "Organisation internationale du Travail (OIT)",
        "sessions": [(100, "09:00", "18:00", {"days": 13})],
    },
]


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _commune(code):
    return Commune.objects.filter(pk=code).first() if code else None


def ensure_kinds() -> dict[str, EventKind]:
    kinds = {}
    for position, (slug, name) in enumerate(KINDS):
        kind, _created = EventKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        kinds[slug] = kind
    return kinds


def _create(spec: dict, kinds: dict, today: dt.date) -> Event:
    event = Event(
        slug=spec["slug"],
        title=spec["title"],
        kind=kinds[spec["kind"]],
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        venue_name=spec.get("venue_name", ""),
        address=spec.get("address", ""),
        commune=_commune(spec.get("commune")),
        country=spec.get("country", "FR"),
        organiser_name=spec.get("organiser_name", ""),
        accessibility=spec.get("accessibility", ""),
        online_url=spec.get("online_url", ""),
        external_registration_url=spec.get("external", ""),
        registration_mode=spec.get("registration_mode", "session"),
        reserved_for=spec.get("reserved_for", ""),
        members_only=spec.get("members_only", False),
        min_participants=spec.get("min_participants"),
        max_participants=spec.get("max_participants"),
    )
    if days := spec.get("closes_in_days"):
        event.registration_closes_at = _at(today + dt.timedelta(days=days), "23:59")
    services.save_event(event, notify=False)
    event.organisers.set(Organisation.objects.filter(slug__in=spec.get("organisers", [])))
    event.partners.set(Organisation.objects.filter(slug__in=spec.get("partners", [])))
    for days, start, end, extra in spec["sessions"]:
        extra = dict(extra)
        span = extra.pop("days", 0)
        day = today + dt.timedelta(days=days)
        Session.objects.create(
            event=event,
            starts_at=_at(day, start),
            ends_at=_at(day + dt.timedelta(days=span), end),
            title=extra.get("title", ""),
            venue_name=extra.get("venue_name", ""),
            address=extra.get("address", ""),
            commune=_commune(extra.get("commune")),
            capacity=extra.get("capacity"),
        )
    for start, end, title, workshops in spec.get("programme", []):
        item = ProgrammeItem.objects.create(
            event=event,
            starts_at=dt.time(*(int(p) for p in start.split(":"))),
            ends_at=dt.time(*(int(p) for p in end.split(":"))) if end else None,
            title=title,
            choose_workshop=bool(workshops),
        )
        for position, (name, capacity) in enumerate(workshops):
            Workshop.objects.create(item=item, title=name, capacity=capacity, position=position)
    for position, (text, kind, choices, required) in enumerate(spec.get("questions", [])):
        Question.objects.create(
            event=event,
            text=text,
            kind=kind,
            choices=choices,
            required=required,
            position=position,
        )
    if spec.get("kit"):
        attachment = EventAttachment(event=event, title="Kit de communication")
        attachment.file.save("kit-communication-rencontre.txt", ContentFile(KIT_TEXT.encode()))
    return event


def _fill(event: Event, count: int, session_index: int | None = None) -> int:
    """Register demo contacts (with their organisation) so the pages show real figures."""
    people = (
        Person.objects.exclude(email="")
        .filter(affiliations__isnull=False)
        .prefetch_related("affiliations__organisation")
        .order_by("pk")
        .distinct()[:count]
    )
    done = 0
    sessions = event.sessions_list
    for n, person in enumerate(people):
        org = person.affiliations.all()[0].organisation
        workshops = []
        for item in event.programme.filter(choose_workshop=True):
            options = list(item.workshops.all())
            workshops.append(options[n % len(options)])
        answers = {q.pk: q.choice_list[0] for q in event.questions.all() if q.choice_list}
        answers.update(
            {q.pk: "Projet de démonstration" for q in event.questions.filter(kind="text")}
        )
        choices = services.Choices(
            session=sessions[session_index] if session_index is not None else None,
            workshops=workshops,
            answers=answers,
        )
        try:
            services.register(
                event,
                services.Registrant(
                    email=person.email, first_name=person.first_name, last_name=person.last_name
                ),
                organisation=services.OrganisationInfo(organisation=org),
                choices=choices,
                notify=False,
                language="fr",
            )
            done += 1
        except services.RegistrationError:
            continue
    return done


def load_demo_events(today: dt.date | None = None) -> dict:
    """Create the seeds' events that are not there yet; returns what was added."""
    today = today or timezone.localdate()
    created = []
    registrations = 0
    with transaction.atomic():
        kinds = ensure_kinds()
        for spec in EVENTS:
            if Event.objects.filter(slug=spec["slug"]).exists():
                continue
            event = _create(spec, kinds, today)
            created.append(event.slug)
            if count := spec.get("fill"):
                registrations += _fill(event, count)
            if fill_session := spec.get("fill_session"):
                registrations += _fill(event, fill_session[1], session_index=fill_session[0])
    return {
        "events": created,
        "registrations": registrations,
        "total": Event.objects.count(),
        "live": Registration.objects.exclude(status="cancelled").count(),
    }
