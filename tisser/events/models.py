"""Data and invariants of the events app (DESIGN.md).

An `Event` has one or more dated `Session`s. Places are counted by plain integer counters
(`taken`) on the event, its sessions and its workshops, moved only by `services.py` with
conditional updates (`taken < capacity`): row-level capacity control, no event-wide lock.
Every `Registration` links to a `directory.Person` (and usually an `Organisation`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.core.countries import country_name
from tisser.directory.models import Category, Organisation
from tisser.territories.models import Commune


class EventKind(models.Model):
    """A kind of event the network edits: rencontre, matinale, fresque, formation…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kind of event")
        verbose_name_plural = _("kinds of event")

    def __str__(self):
        return self.name


class RegistrationMode(models.TextChoices):
    PER_SESSION = "session", _("One registration per session")
    WHOLE_COURSE = "course", _("One registration for all the sessions")


class Event(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.ForeignKey(
        EventKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="events"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    organisers = models.ManyToManyField(
        Organisation, verbose_name=_("organisers"), blank=True, related_name="organised_events"
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="partner_events",
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True, default="")
    description = models.TextField(
        _("description"), blank=True, default="", help_text=_("Simple formatting and links.")
    )
    image = models.ImageField(_("image"), upload_to="events/%Y/", blank=True, default="")
    venue_name = models.CharField(_("venue"), max_length=200, blank=True, default="")
    address = models.CharField(_("address"), max_length=250, blank=True, default="")
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        default="FR",
        help_text=_("Where the event takes place, when it is not in a French commune."),
    )
    accessibility = models.TextField(_("accessibility"), blank=True, default="")
    online_url = models.URLField(_("online link"), blank=True, default="")
    external_registration_url = models.URLField(
        _("external registration link"),
        blank=True,
        default="",
        help_text=_("For partner events registered for elsewhere: no registration here."),
    )
    organiser_name = models.CharField(
        _("organiser outside the directory"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("For a partner event: who organises it, when not an organisation above."),
    )
    # Eligibility.
    members_only = models.BooleanField(_("members only"), default=False)
    eligible_categories = models.ManyToManyField(
        Category,
        verbose_name=_("reserved for organisations in these categories"),
        blank=True,
        related_name="reserved_events",
    )
    reserved_for = models.CharField(
        _("reserved for…"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("Shown to visitors, e.g. “the actors of the Budget citoyen”."),
    )
    # Registration.
    registration_mode = models.CharField(
        _("registration"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.PER_SESSION,
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    min_participants = models.PositiveIntegerField(_("minimum participants"), null=True, blank=True)
    max_participants = models.PositiveIntegerField(
        _("maximum participants"),
        null=True,
        blank=True,
        help_text=_("For the whole event; each session may also have its own capacity."),
    )
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    waitlist_enabled = models.BooleanField(_("waiting list when full"), default=True)
    promotion_hours = models.PositiveIntegerField(
        _("hours to confirm a place offered from the waiting list"),
        null=True,
        blank=True,
        help_text=_("Empty: a person promoted from the waiting list is confirmed at once."),
    )
    price_member = models.DecimalField(
        _("price for members"), max_digits=8, decimal_places=2, default=0
    )
    price_non_member = models.DecimalField(
        _("price for non-members"), max_digits=8, decimal_places=2, default=0
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"), default=2, help_text=_("0: no reminder.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_participants__isnull=True) | Q(taken__lte=F("max_participants")),
                name="event_taken_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="event_status_kind")]

    def __str__(self):
        return self.title

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_memos", None)
        return state

    def get_absolute_url(self):
        return reverse("events:event", args=[self.slug])

    @property
    def is_free(self) -> bool:
        return not (self.price_member or self.price_non_member)

    @property
    def is_external(self) -> bool:
        return bool(self.external_registration_url)

    @property
    def registration_url(self) -> str:
        """Where a visitor registers: the external link of a partner event, or our form."""
        if self.external_registration_url:
            return self.external_registration_url
        return reverse("events:register", args=[self.slug])

    @property
    def country_name(self) -> str:
        """The country's name in the reader's language, for a place outside France."""
        if not self.country or self.country == "FR":
            return ""
        return country_name(self.country)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.commune_id and not self.address

    @property
    def place_label(self) -> str:
        if self.commune_id:
            return self.commune.name
        if self.online_url:
            return str(_("Online"))
        return self.venue_name or ""

    def memo(self, key, build):
        """`build()`, kept with this instance under `key` (and never pickled with it):
        what a registration derives from the event copy it shares (its form's fields)
        is built once per copy, and goes when the copy goes."""
        memos = self.__dict__.setdefault("_memos", {})
        if key not in memos:
            memos[key] = build()
        return memos[key]

    def related_rows(self, name: str) -> list:
        """The rows of the relation `name` (questions, programme, eligible_categories),
        from what the queries prefetched when they did: a registration reads them several
        times, and each `event.questions.all()` built a manager and a queryset first.
        The list may be the prefetched one: read it, never change it."""
        found = getattr(self, "_prefetched_objects_cache", {}).get(name)
        if found is not None and found._result_cache is not None:
            return found._result_cache
        return list(getattr(self, name).all())

    @property
    def sessions_list(self) -> list[Session]:
        """The sessions in date order (prefetched by the queries when they can)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "sessions" in cache:
            return sorted(cache["sessions"], key=lambda s: (s.starts_at, s.pk))
        return list(self.sessions.order_by("starts_at", "pk"))

    @property
    def is_full(self) -> bool:
        """No place left: the event's own limit reached, or every session full (for a
        course, one full session is enough)."""
        if self.max_participants is not None and self.taken >= self.max_participants:
            return True
        sessions = self.sessions_list
        if not sessions:
            return False
        if self.registration_mode == RegistrationMode.WHOLE_COURSE:
            return any(s.is_full for s in sessions)  # one registration takes them all
        return all(s.is_full for s in sessions)

    @property
    def places_left(self) -> int | None:
        """Places left across the event (None: no limit)."""
        lefts = []
        if self.max_participants is not None:
            lefts.append(max(self.max_participants - self.taken, 0))
        sessions = self.sessions_list
        if sessions and all(s.capacity is not None for s in sessions):
            if self.registration_mode == RegistrationMode.WHOLE_COURSE:
                lefts.append(min(s.places_left for s in sessions))
            else:
                lefts.append(sum(s.places_left for s in sessions))
        return min(lefts) if lefts else None


class Session(models.Model):
    """One dated occurrence: the Fresque in Lens on 16 June, a day of a course…"""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("venue"), max_length=200, blank=True, default="")
    address = models.CharField(_("address"), max_length=250, blank=True, default="")
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_sessions",
        help_text=_("Empty: the event's."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")),
                name="session_taken_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "event"], name="session_starts")]

    def __str__(self):
        label = self.title or self.event.title
        return f"{label} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def place_commune(self):
        return self.commune if self.commune_id else self.event.commune

    @property
    def place_address(self) -> str:
        return self.address or self.event.address

    @property
    def place_venue(self) -> str:
        return self.venue_name or self.event.venue_name


class ProgrammeItem(models.Model):
    """A timed item of the programme (09h welcome, 13h30 workshops…)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programme",
    )
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    choose_workshop = models.BooleanField(
        _("participants choose one of its workshops"), default=False
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


class Workshop(models.Model):
    """A parallel track of a programme item, with its own capacity."""

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")),
                name="workshop_taken_within_capacity",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


class Question(models.Model):
    """A question staff add to an event's form (dietary needs, accessibility…)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True, default="", help_text=_("One a line."))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class EventAttachment(models.Model):
    """A downloadable file of an event: the communication kit, a programme, a map…"""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="events/attachments/%Y/")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title


from .models_proposals import CallForProposals, CallSubmission, EventProposal  # noqa: E402,F401
from .models_registration import (  # noqa: E402,F401
    Answer,
    Attendance,
    Registration,
    SessionReminder,
    WorkshopChoice,
)
