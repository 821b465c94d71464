"""Accounts: people who log in. Login is by email; staff roles live here.

Representative and member are not flags on the account: they follow from the person's
affiliations in the directory (see `tisser.directory.queries.roles_of`).
"""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, staff_role=User.StaffRole.ADMIN)
        extra.setdefault("email_verified", True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    class StaffRole(models.TextChoices):
        NONE = "", _("None")
        EDITOR = "editor", _("Staff editor")
        ADMIN = "admin", _("Staff administrator")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    email_verified = models.BooleanField(_("email verified"), default=False)
    staff_role = models.CharField(
        _("staff role"), max_length=16, choices=StaffRole.choices, blank=True, default=""
    )
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    #: staff only; None = the role's default (on for administrators, off for editors)
    notify_new_proposals = models.BooleanField(
        _("notify me of new proposals"), null=True, blank=True, default=None
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_staff_editor(self) -> bool:
        """Editors and admins both edit content and moderate (a superuser is an admin)."""
        return self.is_active and (
            self.staff_role in (self.StaffRole.EDITOR, self.StaffRole.ADMIN) or self.is_superuser
        )

    @property
    def is_staff_admin(self) -> bool:
        return self.is_active and (self.staff_role == self.StaffRole.ADMIN or self.is_superuser)

    @property
    def wants_proposal_emails(self) -> bool:
        """Staff who asked to hear of new proposals; administrators unless they said no."""
        if not self.is_staff_editor and not self.is_staff_admin:
            return False
        if self.notify_new_proposals is None:
            return self.is_staff_admin
        return self.notify_new_proposals


class LoginFailure(models.Model):
    """One failed login, kept a short while to slow down password guessing.

    Stored in the database (not a per-process cache) so every web process sees the same
    count; old rows are pruned as new ones are written.
    """

    email = models.CharField(_("email address"), max_length=254, db_index=True)
    client = models.CharField(_("client"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self):
        return f"{self.email} @ {self.created_at:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired, and its owner still staff."""
        from django.utils import timezone

        now = now or timezone.now()
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
            user__staff_role__in=[User.StaffRole.EDITOR, User.StaffRole.ADMIN],
        )


class ApiToken(models.Model):
    """A staff member's personal key to the JSON API, limited to some scopes.

    Only the SHA-256 of the token is stored (the token is 32 random bytes, so no salt
    is needed); it is shown once, when created. `prefix` lets its owner recognise it."""

    class Scope(models.TextChoices):
        PUBLIC_READ = "public:read", _("Read public data")
        CONTACTS_READ = "contacts:read", _("Read the contacts of organisations")
        REGISTRATIONS_READ = "registrations:read", _("Read event registrations")
        REGISTRATIONS_WRITE = "registrations:write", _("Register and cancel registrations")
        MEMBERSHIPS_READ = "memberships:read", _("Read memberships and payments")
        SUBSCRIBERS_READ = "subscribers:read", _("Read mailing lists and subscribers")

    user = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("start of the token"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(pgettext_lazy("date", "created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
