"""Registrations and what hangs on them: answers to the event's questions, workshop
choices, attendance per session and the reminders sent before each session."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import Organisation, Person

from .models import Event, Question, Session, Workshop


class Registration(models.Model):
    """One person's place (or place on the waiting list) at a session or a whole course."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        PROMOTED = "promoted", _("Place offered, awaiting confirmation")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")

    class Tier(models.TextChoices):
        FREE = "free", _("Free")
        MEMBER = "member", _("Member rate")
        NON_MEMBER = "non_member", _("Non-member rate")

    class Payment(models.TextChoices):
        NOT_DUE = "not_due", _("Nothing to pay")
        PENDING = "pending", _("To pay")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")

    HOLDS_PLACE = (Status.CONFIRMED, Status.PROMOTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        help_text=_("Empty for one registration to the whole course."),
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    registered_by = models.ForeignKey(
        Person,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations_made",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, default=Tier.FREE)
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2, default=0)
    payment_status = models.CharField(
        _("payment"), max_length=10, choices=Payment.choices, default=Payment.NOT_DUE
    )
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    promoted_at = models.DateTimeField(_("place offered"), null=True, blank=True)
    confirm_by = models.DateTimeField(_("to confirm before"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # The email about the registration itself ("confirmed" or "waitlisted") until the
    # worker has sent it: written by the registration's own INSERT, so the email cannot be
    # lost between the commit and the queuing, and the web process does no queuing.
    notice_pending = models.CharField(
        _("email to send"), max_length=12, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One live registration per person and session (or course): a second attempt,
            # even a concurrent one, is refused by the database itself.
            models.UniqueConstraint(
                fields=["person", "session"],
                condition=Q(session__isnull=False) & ~Q(status="cancelled"),
                name="registration_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["person", "event"],
                condition=Q(session__isnull=True) & ~Q(status="cancelled"),
                name="registration_once_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_queue"),
            # A person's or an organisation's newest registrations (their timeline): the
            # newest N are read from the index, however long the history.
            models.Index(fields=["person", "-created_at"], name="registration_person_recent"),
            models.Index(fields=["organisation", "-created_at"], name="registration_org_recent"),
            models.Index(
                fields=["id"], condition=~Q(notice_pending=""), name="registration_notice_due"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.event}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE

    @property
    def sessions(self) -> list[Session]:
        """The sessions this registration is for: one, or all those of the course."""
        if self.session_id:
            return [self.session]
        return self.event.sessions_list


class Answer(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("answer"), blank=True, default="")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self):
        return f"{self.question}: {self.value}"


class WorkshopChoice(models.Model):
    """The workshop a registrant chose for a programme item (a wish while waitlisted)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="workshop_choices"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        verbose_name = _("workshop choice")
        verbose_name_plural = _("workshop choices")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "workshop"], name="workshop_choice_once"
            )
        ]

    def __str__(self):
        return f"{self.registration} → {self.workshop}"


class Attendance(models.Model):
    """Whether a registrant came to one session (a course has one row per day)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    # The registration's person, copied (set on save, moved by a merge): "who came" is
    # then read from one indexed table, not through every registration.
    person = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)
    checked_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_once_per_session"
            )
        ]
        indexes = [
            # Segments: the people who came to these sessions, from the index alone.
            models.Index(
                fields=["session", "person"],
                condition=models.Q(attended=True),
                name="attendance_came",
            ),
        ]

    def __str__(self):
        return f"{self.registration} · {self.session}"

    def save(self, *args, **kwargs):
        if self.person_id is None and self.registration_id is not None:
            self.person_id = self.registration.person_id
        super().save(*args, **kwargs)


class SessionReminder(models.Model):
    """A reminder sent to one registrant before one session: a course reminds before
    each of its days, and never twice for the same one."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="reminder_once_per_session"
            )
        ]

    def __str__(self):
        return f"{self.registration} · {self.session}"
