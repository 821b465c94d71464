"""The demo's governance, on top of `load_demo` and `load_demo_memberships`, from the seeds:

- the AG of the APES of 12 June 2025, at Louvre-Lens Vallée during the Rencontre des
  Solidaires: its register drawn from the 2025 memberships, proxies, attendance, the
  approval of the 2024 activity report by a show of hands, and the election of the
  Collectif ("24 personnes maximum. 11 structures ont été élues ou réélues"), closed and
  counted;
- the AG of 11 June 2026 at 9:45 at the Bazaar St So in Lille, during the next Rencontre
  ("état des lieux, ambitions et projets ; on dessine l'avenir du réseau"), with the
  approval of the 2025 activity report, closed;
- an extraordinary assembly to come, dated from today, with an open online vote (so the
  demo representative has a vote in "My votes");
- the working groups and their referents.

The seeds do not name the eleven elected structures: two are the member organisations
they name (Coop Manau, La Manufacture du Coquelicot), the others invented members of the
demo network. Idempotent: what exists is left as it is."""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.db import transaction
from django.utils import timezone

from tisser.directory.models import Affiliation, Organisation, Person

from . import electorate, services, services_ballot, services_count, services_groups
from .models import Assembly, Motion, Voter
from .models_groups import WorkingGroup
from .tokens import make_vote_token

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AG_2025_SLUG = "ag-apes-2025"
AG_SLUG = "ag-apes-2026"
AGE_SLUG = "age-apes-statuts"
REAL_CANDIDATES = ("coop-manau", "la-manufacture-du-coquelicot")
ELECTED = 11

GROUPS = [
    {
        "slug": "vie-de-reseau",
        "name": "Vie de réseau",
        "kind": WorkingGroup.Kind.NETWORK_LIFE,
        "theme": "Interconnaissance et coopérations entre acteurs d'un territoire",
        "description": (
            "Des moments organisés par et pour les membres du réseau, pour échanger, "
            "apprendre, se ressourcer en collectif : les « Ramène ta gamelle » (le 3 juillet "
            "à la Fabrique de l'Emploi, à Tourcoing), les Matinales thématiques (le 9 juillet "
            "au Toit Commun, à Lens). Vos propositions de thème et de lieu sont les bienvenues !"
        ),
        "referent": ("Rita", "Représentante", "representant@demo.tisser.fr"),
    },
    {
        "slug": "achats-publics-responsables",
        "name": "Achats publics responsables",
        "kind": WorkingGroup.Kind.THEMATIC,
        "theme": "Clauses sociales et environnementales, sourcing « Appel d'offres »",
        "description": (
            "En août 2026, les clauses sociales et environnementales deviennent obligatoires "
            "dans les marchés publics (loi Climat et Résilience). Avec le CERDD et le réseau "
            "APURE, le groupe aide les acteurs de l'ESS à répondre et les collectivités à "
            "acheter responsable (Semaine des achats socialement et écologiquement "
            "responsables, journée de l'économie de proximité à Albert)."
        ),
        "referent": None,
    },
    {
        "slug": "handicap-et-emploi",
        "name": "Handicap et emploi (AgiRH)",
        "kind": WorkingGroup.Kind.THEMATIC,
        "theme": "La place du handicap dans l'emploi et le travail au quotidien",
        "description": (
            "La recherche-action AgiRH : journées de co-construction à Lille, Fresques du "
            "handicap en emploi (le 16 juin au Toit Commun à Lens, le 19 juin à la Maison "
            "Stéphane Hessel à Lille)."
        ),
        "referent": ("Olivia", "Mailfert", ""),
    },
    {
        "slug": "plateformes-economie-solidaire",
        "name": "Plateformes de l'économie solidaire",
        "kind": WorkingGroup.Kind.THEMATIC,
        "theme": "Numérique solidaire dans les territoires",
        "description": (
            "Expérimenter les plateformes de l'économie solidaire dans les territoires "
            "(Hellemmes, Pays du Coquelicot) : le guide méthodologique et le MOOC."
        ),
        "referent": ("Christine", "Masse", ""),
    },
]


def _referent(spec):
    if spec is None:
        return None
    first, last, email = spec
    if email:
        person = Person.objects.filter(email=email).first()
        if person:
            return person
    person = Person.objects.filter(first_name=first, last_name=last, email="").first()
    return person or Person.objects.create(first_name=first, last_name=last)


def _groups() -> int:
    created = 0
    for position, spec in enumerate(GROUPS, start=1):
        group, made = WorkingGroup.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "theme": spec["theme"],
                "description": spec["description"],
                "referent": _referent(spec["referent"]),
                "position": position,
            },
        )
        created += made
        if made and group.referent and group.referent.user:
            services_groups.join_group(group, group.referent.user)
    member = Person.objects.filter(email="adherent@demo.tisser.fr").select_related("user").first()
    if member and member.user:
        group = WorkingGroup.objects.get(slug="vie-de-reseau")
        if not group.members.filter(person=member).exists():
            services_groups.join_group(group, member.user)
    return created


def _candidates(voters: list[Voter]) -> list[Organisation]:
    by_slug = {v.organisation.slug: v.organisation for v in voters}
    chosen = [by_slug[s] for s in REAL_CANDIDATES if s in by_slug]
    others = [v.organisation for v in voters if v.organisation.slug not in REAL_CANDIDATES]
    return chosen + others[: ELECTED - len(chosen)]


STATEMENTS = [
    "Faire vivre la démocratisation de l'économie, au plus près des territoires.",
    "Porter la voix des tiers-lieux ruraux et des projets habitants au Collectif.",
    "Tisser des liens entre acteurs de l'alimentation durable et de l'insertion.",
    "Continuer d'expérimenter : « ici tous les jours on tente et on expérimente ».",
]


AG_2025 = {
    "slug": AG_2025_SLUG,
    "title": "Assemblée générale 2025 de l'APES",
    "starts_at": datetime.datetime(2025, 6, 12, 10, 0, tzinfo=PARIS),
    "place": "Louvre-Lens Vallée, Lens",
    "introduction": "Dans le cadre de la 2ᵉ Rencontre des Solidaires, « Nos démocraties "
    "désirables » : le rapport d'activité 2024 et l'élection du Collectif.",
    "agenda": [
        "Le rapport d'activité 2024 : « Ici tous les jours on tente et on expérimente »",
        "Approbation du rapport d'activité et des comptes 2024",
        "Élection du Collectif (24 personnes au plus)",
    ],
    "report": "Approbation du rapport d'activité et des comptes 2024",
    "election": True,
}
AG_2026 = {
    "slug": AG_SLUG,
    "title": "Assemblée générale 2026 de l'APES",
    "starts_at": datetime.datetime(2026, 6, 11, 9, 45, tzinfo=PARIS),
    "place": "Bazaar St So, Lille",
    "introduction": "Dans le cadre de la Rencontre des Solidaires : état des lieux, "
    "ambitions et projets ; on dessine l'avenir du réseau.",
    "agenda": [
        "État des lieux : le rapport d'activité 2025",
        "Ambitions et projets : on dessine l'avenir du réseau",
        "Approbation du rapport d'activité et des comptes 2025",
    ],
    "report": "Approbation du rapport d'activité et des comptes 2025",
    "election": False,
}


def _ag(spec: dict) -> Assembly:
    """An ordinary AG that took place: register, attendance, proxies, the approval of the
    activity report by a show of hands and, when `election`, the Collectif elected."""
    rng = random.Random(spec["slug"])
    starts = spec["starts_at"]

    def at(minutes: int) -> datetime.datetime:
        return starts + datetime.timedelta(minutes=minutes)

    assembly = services.create_assembly(
        slug=spec["slug"],
        title=spec["title"],
        kind=Assembly.Kind.ORDINARY,
        starts_at=starts,
        place=spec["place"],
        introduction=spec["introduction"],
        quorum_percent=25,
        max_proxies=2,
        agenda=spec["agenda"],
    )
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    voters = list(assembly.voters.filter(is_active=True).select_related("organisation"))
    report = services_ballot.add_motion(
        assembly,
        kind=Motion.Kind.RESOLUTION,
        title=spec["report"],
        majority=Motion.Majority.SIMPLE,
        online=False,
    )
    present = [v for v in voters if rng.random() < 0.5 or v.organisation.slug in REAL_CANDIDATES]
    for v in present:
        services.sign_in(v)
    absent = [v for v in voters if v not in present]
    holders = [v for v in present if v.organisation.slug != "coop-manau"]
    for giver, holder in zip(absent[: len(holders)], holders[:6], strict=False):
        services.give_proxy(giver, holder)
    services_ballot.open_motion(report, notify=False, at=at(75))
    services_ballot.record_room_votes(
        report,
        {
            v.pk: rng.choice(["for"] * 12 + ["abstain", "against"])
            for v in voters
            if services_ballot.caster_of(v) in present
        },
    )
    services_count.close_motion(report, at=at(85))
    if spec["election"]:
        _election(assembly, voters, present, rng, at)
    services_count.close_assembly(assembly)
    return assembly


def _election(assembly, voters, present, rng, at) -> None:
    election = services_ballot.add_motion(
        assembly,
        kind=Motion.Kind.ELECTION,
        title="Élection du Collectif",
        text=(
            "L'APES est administrée par un Conseil d'Administration dénommé Collectif, "
            "composé de 24 personnes maximum."
        ),
        seats=24,
        tie_rule=Motion.TieRule.LOT,
    )
    candidates = _candidates(voters)
    for index, org in enumerate(candidates):
        person = (
            Affiliation.objects.representatives()
            .filter(organisation=org)
            .select_related("person")
            .first()
        )
        services_ballot.add_candidacy(
            election,
            org,
            person=person.person if person else None,
            statement=STATEMENTS[index % len(STATEMENTS)],
            outgoing=index % 2 == 0,
        )
    services_ballot.open_motion(election, notify=False, at=at(0))
    candidacies = list(election.candidacies.all())
    for voter in voters:
        if rng.random() < 0.35 and voter not in present:
            continue  # did not vote
        caster = services_ballot.caster_of(voter)
        k = rng.randint(max(1, len(candidacies) - 4), len(candidacies))
        selection = [c.pk for c in rng.sample(candidacies, k)]
        services_ballot.cast_online(make_vote_token(election, voter, caster), selection=selection)
    services_count.close_motion(election, at=at(95))


def _age_to_come() -> Assembly:
    """An extraordinary assembly a month away, convened, with an open online vote."""
    starts = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=30)
    # Within this membership year, so today's members are its voters.
    starts = min(starts, starts.replace(month=12, day=31, year=timezone.localdate().year))
    assembly = services.create_assembly(
        slug=AGE_SLUG,
        title="Assemblée générale extraordinaire : modification des statuts",
        kind=Assembly.Kind.EXTRAORDINARY,
        starts_at=starts,
        place="Maison de l'Économie Sociale et Solidaire, 235 boulevard Paul Painlevé, Lille",
        introduction="Vote en ligne à bulletin secret, ouvert jusqu'à l'assemblée.",
        quorum_percent=33,
        max_proxies=2,
        agenda=["Modification des statuts : un collège des personnes physiques"],
    )
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    motion = services_ballot.add_motion(
        assembly,
        kind=Motion.Kind.RESOLUTION,
        title="Création d'un collège des personnes physiques",
        text="Les statuts sont modifiés pour ouvrir l'adhésion aux personnes physiques.",
        majority=Motion.Majority.TWO_THIRDS,
    )
    services_ballot.open_motion(motion, notify=False)
    return assembly


def load_demo_governance() -> dict:
    done = {"groups": 0, "assemblies": 0, "members": True}
    if not electorate.eligible_organisations(on=AG_2025["starts_at"].date()).exists():
        done["members"] = False  # load_demo_memberships has not run: nothing to vote
        return done
    with transaction.atomic():
        done["groups"] = _groups()
        for spec in (AG_2025, AG_2026):
            if not Assembly.objects.filter(slug=spec["slug"]).exists():
                _ag(spec)
                done["assemblies"] += 1
        if not Assembly.objects.filter(slug=AGE_SLUG).exists():
            _age_to_come()
            done["assemblies"] += 1
    return done
