"""General assemblies, their register of voters, proxies, motions and secret ballots.

The secret ballot rests on two tables that share nothing but the motion: `Participation`
says *who* took part (auditable), `Ballot` says *what* was chosen (countable). A ballot
has a random UUID key, no timestamp and no reference to a voter, so neither its key, its
order nor its time can be matched against a participation (docs/reference/governance.md,
"The online secret ballot"). Every write goes through `services.py`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import Organisation, Person


class Assembly(models.Model):
    """An ordinary or extraordinary general assembly, with the statutes' rules."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary general assembly")
        EXTRAORDINARY = "extraordinary", _("Extraordinary general assembly")

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        CONVENED = "convened", _("Convened")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ORDINARY)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=250, blank=True, default="")
    introduction = models.TextField(_("introduction"), blank=True, default="")
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of the voting weight)"),
        default=25,
        help_text=_(
            "Share of the total voting weight, present or represented, the statutes require."
        ),
    )
    max_proxies = models.PositiveSmallIntegerField(_("maximum proxies per holder"), default=2)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    register_built_at = models.DateTimeField(
        _("register of voters drawn up"), null=True, blank=True
    )
    convened_at = models.DateTimeField(_("convened on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("general assembly")
        verbose_name_plural = _("general assemblies")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100), name="assembly_quorum_at_most_100"
            )
        ]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True, default="")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class AssemblyDocument(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="governance/assemblies/%Y/")
    members_only = models.BooleanField(_("members only"), default=False)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("assembly document")
        verbose_name_plural = _("assembly documents")

    def __str__(self):
        return self.title


class Voter(models.Model):
    """One line of the register: a member organisation in good standing and its weight.

    Drawn up from the memberships when the assembly is convened (and again on demand), so
    the electorate of a vote does not move while it is open.
    """

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="voters")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assembly_voters"
    )
    weight = models.PositiveSmallIntegerField(_("votes"), default=1)
    college = models.CharField(_("college"), max_length=100, blank=True, default="")
    is_active = models.BooleanField(
        _("on the register"),
        default=True,
        help_text=_("Off when the organisation is no longer a member in good standing."),
    )
    registered_at = models.DateTimeField(_("registered to attend"), null=True, blank=True)
    present_at = models.DateTimeField(_("signed in at the assembly"), null=True, blank=True)
    # Changing it invalidates every voting link sent so far (links are signed with it).
    link_nonce = models.CharField(max_length=32, default="", editable=False)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("voter")
        verbose_name_plural = _("register of voters")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "organisation"], name="voter_unique_organisation"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.weight})"


class Proxy(models.Model):
    """A "pouvoir": the giver's vote is cast by the holder. One per giver."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    giver = models.OneToOneField(Voter, on_delete=models.CASCADE, related_name="proxy_given")
    holder = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="proxies_held")
    created_at = models.DateTimeField(_("given on"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.CheckConstraint(condition=~Q(giver=models.F("holder")), name="proxy_not_self")
        ]

    def __str__(self):
        return f"{self.giver.organisation} → {self.holder.organisation}"


class Motion(models.Model):
    """A question put to the vote: a resolution, or the election of the board."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution")
        ELECTION = "election", _("Election")

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("Simple majority (more for than against)")
        ABSOLUTE = "absolute", _("Absolute majority (more than half of the votes cast)")
        TWO_THIRDS = "two_thirds", _("Two-thirds majority of the votes for and against")

    class TieRule(models.TextChoices):
        LOT = "lot", _("Draw by lot (the seed is recorded)")
        SENIORITY = "seniority", _("Seniority of membership")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not open yet")
        OPEN = "open", pgettext_lazy("vote", "Open")
        CLOSED = "closed", pgettext_lazy("vote", "Closed")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="motions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    text = models.TextField(_("text"), blank=True, default="")
    majority = models.CharField(
        _("majority"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=24)
    tie_rule = models.CharField(
        _("tie rule"), max_length=12, choices=TieRule.choices, default=TieRule.LOT
    )
    online = models.BooleanField(_("online secret ballot"), default=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Filled at the close, once: the count, quorum and outcome (see services_count.close_motion).
    results = models.JSONField(_("results"), default=dict, blank=True)
    tie_seed = models.CharField(_("draw seed"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["assembly", "position", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")

    def __str__(self):
        return self.title

    @property
    def is_election(self) -> bool:
        return self.kind == self.Kind.ELECTION


class Candidacy(models.Model):
    """An organisation standing for the board, through a person, with a statement."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="candidacies")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="candidacies"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidacies"
    )
    statement = models.TextField(_("statement"), blank=True, default="")
    outgoing = models.BooleanField(_("outgoing member standing again"), default=False)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "organisation"], name="candidacy_unique_organisation"
            )
        ]

    def __str__(self):
        return str(self.organisation)


class Participation(models.Model):
    """Who took part in a vote (never how). One per voter and motion: the unique
    constraint is what refuses a second vote, even from two requests at once."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        ROOM = "room", _("In the room")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="participations")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="participations")
    cast_by = models.ForeignKey(
        Voter, on_delete=models.CASCADE, related_name="participations_cast", null=True
    )
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["voter__organisation__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["motion", "voter"], name="participation_once")
        ]

    def __str__(self):
        return f"{self.voter.organisation} · {self.motion}"


class Ballot(models.Model):
    """What one vote chose. No voter, no time, a random key: unlinkable by design."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="ballots")
    weight = models.PositiveSmallIntegerField(default=1)
    # Resolutions: for / against / abstain. Elections: the chosen candidacy ids.
    choice = models.CharField(max_length=8, blank=True, default="")
    selection = models.JSONField(default=list, blank=True)
    # SHA-256 of the receipt code shown to the voter once; empty for show-of-hands votes.
    receipt_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["motion", "id"]  # random keys: this order says nothing about time
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_hash"], condition=~Q(receipt_hash=""), name="ballot_receipt_unique"
            )
        ]

    def __str__(self):
        return str(self.id)


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstention")


from .models_groups import GroupDocument, GroupMember, WorkingGroup  # noqa: E402,F401
