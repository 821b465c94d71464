"""Every write about registrations: places, waiting lists, promotions, cancellations.

Places are counters (`taken`) on the event (when it has a maximum), each session and each
workshop, moved by conditional updates, `UPDATE … SET taken = taken + 1 WHERE taken <
capacity`: on PostgreSQL the row lock makes concurrent attempts queue on that one row and
re-check the condition, so a place is never sold twice, and nothing else is locked. SQLite
serialises writers, which gives the same result. Counters are always taken in the same
order (event, sessions, workshops, each by id) so that two transactions never deadlock.

The same person never holds two live registrations for one session (or one course): the
database refuses it (partial unique constraints), and the service says so clearly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tisser.core.upsert import insert_returning
from tisser.directory import services as directory
from tisser.directory import services_claims as claims
from tisser.directory.models import Affiliation, Organisation, OrganisationRevision

from . import webhooks
from .models import (
    Answer,
    Event,
    Question,
    Registration,
    RegistrationMode,
    Session,
    Workshop,
    WorkshopChoice,
)

Status = Registration.Status

# How many people on the waiting list one freed place is offered to, at most, before
# giving up (the others want a workshop that is still full).
PROMOTION_SCAN = 200


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


# --- rules -------------------------------------------------------------------------------


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
    categories = list(event.eligible_categories.all())
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


def _validate_choices(event: Event, choices: Choices, now, *, at_door=False) -> Session | None:
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
        for item in event.programme.all()
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
    questions = {q.pk: q for q in event.questions.all()}
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


def _price(event: Event, organisation: Organisation | None):
    if event.is_free:
        return Registration.Tier.FREE, 0, Registration.Payment.NOT_DUE
    if organisation is not None and organisation.is_member:
        tier, price = Registration.Tier.MEMBER, event.price_member
    else:
        tier, price = Registration.Tier.NON_MEMBER, event.price_non_member
    payment = Registration.Payment.PENDING if price else Registration.Payment.NOT_DUE
    return tier, price, payment


# --- places ------------------------------------------------------------------------------


def counted_sessions(event: Event, session: Session | None) -> list[Session]:
    if session is not None:
        return [session]
    return sorted(event.sessions_list, key=lambda s: s.pk)


def _take_one(model, pk: int, limit: str) -> bool:
    """`UPDATE … SET taken = taken + 1 WHERE id = pk AND (limit IS NULL OR taken < limit)`,
    written out: the ORM would compile it anew at every registration, for more CPU than
    the database spends running it."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    opts = model._meta
    table, pk_column = quote(opts.db_table), quote(opts.pk.column)
    taken, limit = quote(opts.get_field("taken").column), quote(opts.get_field(limit).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {taken} = {taken} + 1 WHERE {pk_column} = %s "
            f"AND ({limit} IS NULL OR {taken} < {limit})",
            [pk],
        )
        return cursor.rowcount == 1


def take_places(event: Event, sessions: list[Session], workshops: list[Workshop]) -> bool:
    """Take one place on every counter, or none; False when one is full.

    Several counters are taken in a savepoint, rolled back if one of them is full; a single
    counter needs none (its one conditional UPDATE either happens or not)."""
    counters = []
    if event.max_participants is not None:
        counters.append((Event, event.pk, "max_participants"))
    counters += [(Session, s.pk, "capacity") for s in sessions]
    counters += [(Workshop, w.pk, "capacity") for w in sorted(workshops, key=lambda w: w.pk)]
    if len(counters) == 1:
        return _take_one(*counters[0])
    with transaction.atomic():
        for counter in counters:
            if not _take_one(*counter):
                transaction.set_rollback(True)
                return False
    return True


def _release_places(registration: Registration) -> None:
    event = registration.event
    if event.max_participants is not None:
        Event.objects.filter(pk=event.pk, taken__gt=0).update(taken=F("taken") - 1)
    for session in counted_sessions(event, registration.session):
        Session.objects.filter(pk=session.pk, taken__gt=0).update(taken=F("taken") - 1)
    workshop_ids = sorted(registration.workshop_choices.values_list("workshop_id", flat=True))
    for pk in workshop_ids:
        Workshop.objects.filter(pk=pk, taken__gt=0).update(taken=F("taken") - 1)


def chosen_workshops(registration: Registration) -> list[Workshop]:
    return [c.workshop for c in registration.workshop_choices.select_related("workshop")]


# --- registering -------------------------------------------------------------------------


def _organisation_for(info: OrganisationInfo | None, event: Event) -> Organisation | None:
    if info is None:
        return None
    if info.organisation is not None:
        return info.organisation
    if not (info.name or "").strip():
        return None
    existing = directory.find_duplicate(
        name=info.name,
        commune_code=getattr(info.commune, "code", info.commune) or None,
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


def _existing(event: Event, session: Session | None, person) -> Registration | None:
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


def register(
    event: Event,
    registrant: Registrant,
    *,
    organisation: OrganisationInfo | None = None,
    choices: Choices | None = None,
    registered_by=None,
    language: str | None = None,
    now=None,
    notify: bool = True,
    at_door: bool = False,
) -> Registration:
    """Register one person: a place if there is one, else the waiting list (if the event
    has one), else EventFull. Raises RegistrationError subclasses and ValidationError with
    messages for the person; in that case nothing is saved.

    `at_door`: staff let in someone who walks in; the registration dates, the required
    choices and the waiting list do not apply (a full event refuses)."""
    now = now or timezone.now()
    choices = choices or Choices()
    with transaction.atomic():
        problem = door_problem(event) if at_door else registration_problem(event, now)
        if problem:
            raise RegistrationClosed(problem)
        session = _validate_choices(event, choices, now, at_door=at_door)
        person, _created = directory.find_or_create_person(
            email=registrant.email,
            first_name=registrant.first_name,
            last_name=registrant.last_name,
            phone=registrant.phone,
        )
        if not person.email:
            raise ValidationError({"email": _("An email address is required.")})
        org = _organisation_for(organisation, event)
        problem = eligibility_problem(event, org)
        if problem:
            raise NotEligible(problem)
        # No look-up for an earlier registration here: the partial unique constraints
        # refuse a second one (caught below), which also holds under concurrency.
        # Naming an organisation only claims a link to it; member prices and members-only
        # events follow a confirmed link (never a name typed in a form).
        confirmed = org is not None and _claim_link(person, org, event, language).is_verified
        if event.members_only and not confirmed:
            raise Unconfirmed(unconfirmed_message(org))
        tier, price, payment = _price(event, org if confirmed else None)
        # Last, so that the counters' row locks are held for as short a time as possible.
        if take_places(event, counted_sessions(event, session), choices.workshops):
            status = Status.CONFIRMED
        elif event.waitlist_enabled and not at_door:
            status = Status.WAITLISTED
        else:
            existing = _existing(event, session, person)
            if existing:
                raise AlreadyRegistered(already_registered_message(existing), registration=existing)
            raise EventFull(_("This event is full."))
        registration = Registration(
            event=event,
            session=session,
            person=person,
            organisation=org,
            registered_by=registered_by,
            status=status,
            tier=tier,
            price=price,
            payment_status=payment,
            language=language or translation.get_language() or "",
        )
        # The partial unique constraints refuse a second live registration: the insert
        # then writes nothing (no savepoint, no IntegrityError), and raising below rolls
        # back the place just taken.
        if insert_returning(registration) is None:
            existing = _existing(event, session, person)
            raise AlreadyRegistered(
                already_registered_message(existing)
                if existing
                else _("You are already registered for this event."),
                registration=existing,
            ) from None
        _save_choices(registration, choices)
        webhooks.registration_event("registration.created", registration)
        if notify:
            notify_registration(
                registration, "confirmed" if status == Status.CONFIRMED else "waitlisted"
            )
    return registration


def _claim_link(person, org: Organisation, event: Event, language: str | None):
    return claims.claim(
        person,
        org,
        source=Affiliation.Source.REGISTRATION,
        detail=event.title,
        email=person.email,
        language=language or translation.get_language() or "",
    )


def unconfirmed_message(org: Organisation) -> str:
    return _(
        "This event is reserved for people of member organisations, and your link to "
        "%(org)s is not confirmed yet: its representative or the network's team confirms "
        "it, then you can register."
    ) % {"org": org.name}


def keep_claim(
    event: Event, registrant: Registrant, organisation: OrganisationInfo, language=None
) -> None:
    """After an `Unconfirmed` refusal (which saved nothing), still record the claim, so
    that the representative or staff can confirm it and the person register then."""
    with transaction.atomic():
        org = _organisation_for(organisation, event)
        if org is None or not (registrant.email or "").strip():
            return
        person, _created = directory.find_or_create_person(
            email=registrant.email,
            first_name=registrant.first_name,
            last_name=registrant.last_name,
            phone=registrant.phone,
        )
        _claim_link(person, org, event, language)


def _save_choices(registration: Registration, choices: Choices) -> None:
    if choices.workshops:
        WorkshopChoice.objects.bulk_create(
            [WorkshopChoice(registration=registration, workshop=w) for w in choices.workshops]
        )
    answers = [
        Answer(registration=registration, question_id=pk, value=(value or "").strip()[:5000])
        for pk, value in choices.answers.items()
        if (value or "").strip()
    ]
    if answers:
        Answer.objects.bulk_create(answers)


def register_colleagues(
    event: Event,
    registrar: Registrant,
    colleagues: list[Registrant],
    *,
    organisation: OrganisationInfo,
    choices: Choices | None = None,
    language: str | None = None,
    now=None,
) -> list[Registration]:
    """One person registers several colleagues of one organisation, all or none.

    The colleague who is the registrar too is registered like the others; each colleague
    gets their own email; `registered_by` records who did it.
    """
    if not colleagues:
        raise ValidationError(_("Give at least one person to register."))
    emails = [c.email.strip().lower() for c in colleagues]
    if len(set(emails)) != len(emails):
        raise ValidationError(_("The same email address is given twice."))
    with transaction.atomic():
        by, _created = directory.find_or_create_person(
            email=registrar.email, first_name=registrar.first_name, last_name=registrar.last_name
        )
        org = _organisation_for(organisation, event)
        info = OrganisationInfo(organisation=org)
        return [
            register(
                event,
                colleague,
                organisation=info,
                choices=choices,
                registered_by=by,
                language=language,
                now=now,
            )
            for colleague in colleagues
        ]


# --- cancelling and the waiting list -------------------------------------------------------


def cancel_registration(registration: Registration, *, now=None, notify: bool = True) -> list:
    """Cancel (idempotent), free the places and offer them to the waiting list.

    Returns the registrations promoted as a result.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "session", "person")
            .get(pk=registration.pk)
        )
        if registration.status == Status.CANCELLED:
            return []
        held = registration.holds_place
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.confirm_by = None
        registration.save(update_fields=["status", "cancelled_at", "confirm_by", "updated_at"])
        webhooks.registration_event("registration.cancelled", registration)
        promoted = []
        if held:
            _release_places(registration)
            promoted = fill_from_waitlist(registration.event, now=now)
        if notify:
            notify_registration(registration, "cancelled")
    return promoted


def fill_from_waitlist(event: Event, *, now=None, limit: int | None = None) -> list:
    """Offer free places to the waiting list, first come first served; a person waiting
    for a workshop that is still full is passed over, not dropped."""
    now = now or timezone.now()
    event = Event.objects.get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        return []
    promoted = []
    waiting = (
        Registration.objects.filter(event=event, status=Status.WAITLISTED)
        .select_related("session")
        .order_by("created_at", "pk")[:PROMOTION_SCAN]
    )
    for candidate in waiting:
        if limit is not None and len(promoted) >= limit:
            break
        if candidate.session_id and candidate.session.ends_at <= now:
            continue
        sessions = counted_sessions(event, candidate.session)
        if not take_places(event, sessions, chosen_workshops(candidate)):
            if _event_or_sessions_full(event, candidate.session):
                if candidate.session_id is None:
                    break
                continue
            continue
        candidate.promoted_at = now
        if event.promotion_hours:
            candidate.status = Status.PROMOTED
            candidate.confirm_by = now + dt.timedelta(hours=event.promotion_hours)
        else:
            candidate.status = Status.CONFIRMED
        candidate.save(update_fields=["status", "promoted_at", "confirm_by", "updated_at"])
        webhooks.registration_event("registration.promoted", candidate)
        notify_registration(candidate, "promoted")
        promoted.append(candidate)
    return promoted


def _event_or_sessions_full(event: Event, session: Session | None) -> bool:
    event.refresh_from_db(fields=["taken"])
    if event.max_participants is not None and event.taken >= event.max_participants:
        return True
    sessions = [session] if session is not None else list(event.sessions.all())
    return any(s.capacity is not None and s.taken >= s.capacity for s in sessions)


def confirm_promotion(registration: Registration, *, now=None) -> Registration:
    """The promoted person accepts the place offered, before the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status != Status.PROMOTED:
            raise RegistrationError(_("No place is waiting for your confirmation."))
        if registration.confirm_by and registration.confirm_by < now:
            raise RegistrationClosed(_("The time to confirm this place has passed."))
        registration.status = Status.CONFIRMED
        registration.confirm_by = None
        registration.save(update_fields=["status", "confirm_by", "updated_at"])
        notify_registration(registration, "confirmed")
    return registration


def expire_promotions(*, now=None) -> int:
    """Places offered and not confirmed in time go to the next person waiting."""
    now = now or timezone.now()
    expired = Registration.objects.filter(status=Status.PROMOTED, confirm_by__lt=now)
    count = 0
    for registration in expired:
        cancel_registration(registration, now=now, notify=False)
        notify_registration(registration, "promotion_expired")
        count += 1
    return count


def change_registration(registration: Registration, choices: Choices, *, now=None) -> Registration:
    """Change date, workshops or answers: the new places are taken before the old ones are
    freed, so a change never loses the place held; if the new date or workshop is full,
    nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "session")
            .get(pk=registration.pk)
        )
        event = registration.event
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("This registration is cancelled."))
        problem = registration_problem(event, now)
        if problem:
            raise RegistrationClosed(problem)
        session = _validate_choices(event, choices, now)
        if session is not None and session.pk != registration.session_id:
            clash = _existing(event, session, registration.person)
            if clash:
                raise AlreadyRegistered(already_registered_message(clash), registration=clash)
        old_workshops = {w.pk for w in chosen_workshops(registration)}
        new_workshops = {w.pk for w in choices.workshops}
        if registration.holds_place:
            new_sessions = (
                [session] if session is not None and session.pk != registration.session_id else []
            )
            added = [w for w in choices.workshops if w.pk not in old_workshops]
            if not _take_places_partial(new_sessions, added):
                raise EventFull(_("The new date or workshop is full: nothing was changed."))
            if new_sessions and registration.session_id:
                Session.objects.filter(pk=registration.session_id, taken__gt=0).update(
                    taken=F("taken") - 1
                )
            for pk in sorted(old_workshops - new_workshops):
                Workshop.objects.filter(pk=pk, taken__gt=0).update(taken=F("taken") - 1)
        registration.session = session
        registration.save(update_fields=["session", "updated_at"])
        registration.workshop_choices.all().delete()
        registration.answers.all().delete()
        _save_choices(registration, choices)
        notify_registration(registration, "changed")
    if registration.holds_place:
        fill_from_waitlist(event, now=now)
    return registration


def _take_places_partial(sessions: list[Session], workshops: list[Workshop]) -> bool:
    with transaction.atomic():
        counters = [(Session, s.pk, "capacity") for s in sorted(sessions, key=lambda s: s.pk)]
        counters += [(Workshop, w.pk, "capacity") for w in sorted(workshops, key=lambda w: w.pk)]
        for counter in counters:
            if not _take_one(*counter):
                transaction.set_rollback(True)
                return False
    return True


# --- emails --------------------------------------------------------------------------------


#: A person told "already registered" gets the email again at most this often.
RESEND_SECONDS = 600


def resend_confirmation(registration: Registration | None) -> bool:
    """Send the registration's email again to someone told they are already registered:
    the first one is lost if the web process died between the commit and the queuing
    (the multi-host rehearsal showed it). It goes to the registered address only, at most
    once per `RESEND_SECONDS`, so typing someone else's email gains nothing."""
    live = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)
    if registration is None or registration.status not in live:
        return False
    key = f"events:resent:{registration.pk}:{registration.created_at.timestamp()}"
    if not cache.add(key, 1, RESEND_SECONDS):
        return False
    confirmed = registration.status == Registration.Status.CONFIRMED
    notify_registration(registration, "confirmed" if confirmed else "waitlisted")
    return True


def notify_registration(registration: Registration, kind: str) -> None:
    """Queue the email about this registration once the transaction commits."""
    from .tasks import send_registration_email

    pk = registration.pk
    transaction.on_commit(lambda: send_registration_email.delay(pk, kind))


def send_reminders(*, now=None) -> int:
    """Remind confirmed registrants of each session starting within their event's
    reminder delay (before every day of a course), once per registrant and session."""
    from .models import SessionReminder

    now = now or timezone.now()
    count = 0
    sessions = Session.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=31),
        event__status=Event.Status.PUBLISHED,
        event__reminder_days__gt=0,
    ).select_related("event")
    for session in sessions:
        if session.starts_at - now > dt.timedelta(days=session.event.reminder_days):
            continue
        due = (
            Registration.objects.filter(event=session.event, status=Status.CONFIRMED)
            .filter(Q(session=session) | Q(session__isnull=True))
            .exclude(reminders__session=session)
        )
        for registration in due:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        SessionReminder.objects.create(
                            registration=registration, session=session, sent_at=now
                        )
                except IntegrityError:
                    continue  # another scheduler run sent it meanwhile
                Registration.objects.filter(pk=registration.pk).update(reminded_at=now)
                notify_registration(registration, "reminder")
                count += 1
    return count


# Staff edits of events live in their own module; public here too.
from .services_editing import (  # noqa: E402,F401
    NOTIFIED_FIELDS,
    cancel_event,
    mark_attendance,
    notify_event_changed,
    recount_places,
    save_event,
)
