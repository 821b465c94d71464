"""Who may register, and the refusals a registrant reads: dates, eligibility, choices."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tisser.directory.contacts import services as directory
from tisser.directory.contacts import services_claims as claims
from tisser.directory.models import Affiliation, Organisation, OrganisationRevision, Person
from tisser.events.models import Event, Question, Registration, RegistrationMode, Session, Workshop

Status = Registration.Status


class RegistrationError(Exception):
    """A registration refused for a reason the person should read (translated)."""

    code = "refused"

    def __init__(self, message: str, *, registration: Registration | None = None):
        super().__init__(message)
        self.message = message
        self.registration = registration


class RegistrationClosed(RegistrationError):
    code = "closed"


class NotEligible(RegistrationError):
    code = "not_eligible"


class Unconfirmed(NotEligible):
    """Members only, and the person's link to the member organisation is only claimed."""

    code = "unconfirmed"


class AlreadyRegistered(RegistrationError):
    code = "already_registered"


class EventFull(RegistrationError):
    code = "full"


@dataclass
class Registrant:
    """Who is registered: found or created in the contacts base by email."""

    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""


@dataclass
class OrganisationInfo:
    """The organisation a registrant comes from, found (SIRET, name + commune) or created."""

    name: str = ""
    commune: object = None  # a Commune, an INSEE code, or None
    siret: str = ""
    organisation: Organisation | None = None  # already known: used as is


@dataclass
class Choices:
    """What the form asked: session, workshops, answers to the event's questions."""

    session: Session | None = None
    workshops: list[Workshop] = field(default_factory=list)
    answers: dict[int, str] = field(default_factory=dict)  # question id -> value


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def registration_problem(event: Event, now=None) -> str | None:
    """Why nobody can register here right now (translated), or None when it is open."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("This event is cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not open for registration.")
    if event.external_registration_url:
        return _("Registration for this event is on the organiser's website.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration opens on %(date)s.") % {"date": _date(event.registration_opens_at)}
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Registration closed on %(date)s.") % {"date": _date(event.registration_closes_at)}
    sessions = event.sessions_list
    if not sessions:
        return _("This event has no date yet.")
    if event.registration_mode == RegistrationMode.WHOLE_COURSE:
        if sessions[0].starts_at <= now:
            return _("This course has started: registration is closed.")
    elif all(s.ends_at <= now for s in sessions):
        return _("This event is over.")
    return None


def door_problem(event: Event) -> str | None:
    """Why nobody can be let in at the door (translated): the registration dates do not
    apply there, only a cancelled or unpublished event refuses."""
    if event.status == Event.Status.CANCELLED:
        return _("This event is cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not open for registration.")
    return None


def eligibility_problem(event: Event, organisation: Organisation | None) -> str | None:
    """Why this organisation may not register (translated), or None."""
    if event.members_only and not (organisation and organisation.is_member):
        return _("This event is reserved for member organisations of the network.")
    categories = event.related_rows("eligible_categories")
    if categories:
        if organisation is None or not organisation.pk:
            return _("This event is reserved for organisations in: %(names)s.") % {
                "names": ", ".join(c.name for c in categories)
            }
        in_category = organisation.categories.filter(pk__in=[c.pk for c in categories])
        if not in_category.exists():
            return _("This event is reserved for organisations in: %(names)s.") % {
                "names": ", ".join(c.name for c in categories)
            }
    return None


def validate_choices(event: Event, choices: Choices, now, *, at_door=False) -> Session | None:
    """The session to register for (None for a whole course); raise on a bad choice. At
    the door nobody is asked to pick a workshop or answer the questions."""
    sessions = event.sessions_list
    session = choices.session
    if event.registration_mode == RegistrationMode.WHOLE_COURSE:
        session = None
    else:
        if session is None and len(sessions) == 1:
            session = sessions[0]
        if session is None or session.event_id != event.pk:
            raise ValidationError({"session": _("Choose a date.")})
        if session.ends_at <= now:
            raise RegistrationClosed(_("This date is over."))
    items = {}
    for workshop in choices.workshops:
        item = workshop.item
        if item.event_id != event.pk:
            raise ValidationError({"workshops": _("This workshop is not part of this event.")})
        if item.pk in items:
            raise ValidationError({"workshops": _("Choose one workshop per time slot.")})
        items[item.pk] = workshop
    required = [
        item
        for item in event.related_rows("programme")
        if item.choose_workshop
        and (session is None or item.session_id in (None, session.pk))
        and item.workshops.all()
    ]
    missing = [item.title for item in required if item.pk not in items]
    if missing and not at_door:
        raise ValidationError(
            {"workshops": _("Choose a workshop for: %(items)s.") % {"items": ", ".join(missing)}}
        )
    errors = {}
    questions = {q.pk: q for q in event.related_rows("questions")}
    for pk in choices.answers:
        if pk not in questions:
            raise ValidationError(_("Unknown question."))
    for question in questions.values():
        value = (choices.answers.get(question.pk) or "").strip()
        if question.required and not value and not at_door:
            errors[f"question_{question.pk}"] = _("This question needs an answer.")
        if value and question.kind == Question.Kind.CHOICE and value not in question.choice_list:
            errors[f"question_{question.pk}"] = _("Choose one of the answers offered.")
    if errors:
        raise ValidationError(errors)
    return session


def price_of(event: Event, organisation: Organisation | None):
    if event.is_free:
        return Registration.Tier.FREE, 0, Registration.Payment.NOT_DUE
    if organisation is not None and organisation.is_member:
        tier, price = Registration.Tier.MEMBER, event.price_member
    else:
        tier, price = Registration.Tier.NON_MEMBER, event.price_non_member
    payment = Registration.Payment.PENDING if price else Registration.Payment.NOT_DUE
    return tier, price, payment


def person_and_organisation(
    registrant: Registrant, info: OrganisationInfo | None, event: Event
) -> tuple[Person, Organisation | None]:
    """The registrant's contact (found or created) and the organisation they name (found,
    or created as proposed). An organisation named by name and commune alone (the public
    form's usual case) is looked up in the contact's own statement."""
    person_fields = {
        "email": registrant.email,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
        "phone": registrant.phone,
    }
    named = info is not None and info.organisation is None and (info.name or "").strip()
    if not named or info.siret:
        person, _created = directory.find_or_create_person(**person_fields)
        return person, organisation_for(info, event)
    person, _created, found = directory.find_person_and_organisation(
        **person_fields, organisation_name=info.name, commune_code=_commune_code(info)
    )
    return person, found or organisation_for(info, event, looked_up=True)


def _commune_code(info: OrganisationInfo) -> str | None:
    return getattr(info.commune, "code", info.commune) or None


def organisation_for(
    info: OrganisationInfo | None, event: Event, *, looked_up: bool = False
) -> Organisation | None:
    """The organisation `info` names, created as proposed if the directory has none
    (`looked_up`: known not to be found by name and commune)."""
    if info is None:
        return None
    if info.organisation is not None:
        return info.organisation
    if not (info.name or "").strip():
        return None
    existing = None
    if not looked_up:
        existing = directory.find_duplicate(
            name=info.name,
            commune_code=_commune_code(info),
            siret=info.siret,
            with_representatives=True,
        )
    if existing:
        return existing
    data = {"name": info.name.strip(), "status": Organisation.Status.PROPOSED}
    if info.commune:
        data["commune"] = info.commune
    if info.siret:
        data["siret"] = info.siret
    org, created = directory.find_or_create_organisation(
        data, source=OrganisationRevision.Source.SYSTEM
    )
    if created:
        org.has_representatives = False  # nobody to email about the claim that follows
    return org


def check_registration(event: Event, organisation: Organisation | None, now=None) -> None:
    """Raise the RegistrationError the rules give before any place is looked at."""
    problem = registration_problem(event, now)
    if problem:
        raise RegistrationClosed(problem)
    problem = eligibility_problem(event, organisation)
    if problem:
        raise NotEligible(problem)


def existing_registration(event: Event, session: Session | None, person) -> Registration | None:
    live = Registration.objects.filter(event=event, person=person).exclude(status=Status.CANCELLED)
    live = live.filter(session=session) if session is not None else live.filter(session=None)
    return live.first()


def already_registered_message(registration: Registration) -> str:
    if registration.status == Status.WAITLISTED:
        return _("%(email)s is already on the waiting list for this event.") % {
            "email": registration.person.email
        }
    return _("%(email)s is already registered for this event.") % {
        "email": registration.person.email
    }


def membership_claim(person, org: Organisation, event: Event, language: str | None):
    """`claim_link` as a statement, to write with the registration."""
    return claims.MembershipClaim(
        person,
        org,
        source=Affiliation.Source.REGISTRATION,
        detail=event.title,
        email=person.email,
        language=language or translation.get_language() or "",
    )


def claim_link(person, org: Organisation, event: Event, language: str | None):
    """The claim of a link that a registration naming `org` makes, written now."""
    return membership_claim(person, org, event, language).write()


def unconfirmed_message(org: Organisation) -> str:
    return _(
        "This event is reserved for people of member organisations, and your link to "
        "%(org)s is not confirmed yet: its representative or the network's team confirms "
        "it, then you can register."
    ) % {"org": org.name}
