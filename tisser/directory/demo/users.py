"""The five demo accounts (README "Demo logins"), each with the role it demonstrates."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Affiliation, Consent, Organisation, Person

DEMO_PASSWORD = "tisser-demo"

# email, first name, last name, staff role, organisation slug, representative?
DEMO_USERS = (
    ("admin@demo.tisser.fr", "Adèle", "Admin", "admin", None, False),
    ("editeur@demo.tisser.fr", "Étienne", "Éditeur", "editor", None, False),
    ("representant@demo.tisser.fr", "Rita", "Représentante", "", "coop-manau", True),
    ("adherent@demo.tisser.fr", "Marc", "Adhérent", "", "les-cabanes-inspirees", False),
    ("public@demo.tisser.fr", "Paula", "Public", "", None, False),
)
ROLE_LABELS = {
    "admin@demo.tisser.fr": gettext_lazy("staff administrator"),
    "editeur@demo.tisser.fr": gettext_lazy("staff editor"),
    "representant@demo.tisser.fr": gettext_lazy("representative of Coop Manau"),
    "adherent@demo.tisser.fr": gettext_lazy("member (Les Cabanes Inspirées)"),
    "public@demo.tisser.fr": gettext_lazy("public user"),
}
SIGNED_UP_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def ensure_demo_users() -> int:
    """Create the demo accounts that are missing; existing accounts are left as they are."""
    User = get_user_model()
    created = 0
    hashed = None  # one (slow, argon2) hash for the five accounts: they share the password
    for email, first, last, staff_role, org_slug, representative in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            admin = staff_role == "admin"
            hashed = hashed or make_password(DEMO_PASSWORD)
            user = User.objects.create_user(
                email=email,
                password=None,
                first_name=first,
                last_name=last,
                staff_role=staff_role,
                email_verified=True,
                is_staff=admin,
                is_superuser=admin,
            )
            user.password = hashed
            user.save(update_fields=["password"])
            created += 1
        if org_slug is None:
            continue
        organisation = Organisation.objects.filter(slug=org_slug).first()
        if organisation is None:
            continue
        person, person_created = Person.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "user": user}
        )
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        if person_created:
            Consent.objects.create(
                person=person,
                purpose=Consent.Purpose.CONTACT,
                at=SIGNED_UP_AT,
                method=Consent.Method.WEB_FORM,
                wording="J'accepte que le réseau me contacte au sujet de ses activités.",
                source="Réseau de démonstration",
            )
        Affiliation.objects.get_or_create(
            person=person,
            organisation=organisation,
            defaults={
                "role": "Gérant·e" if representative else "Bénévole",
                "is_representative": representative,
                "status": Affiliation.Status.VERIFIED,
                "source": Affiliation.Source.DEMO,
            },
        )
    return created


def login_lines() -> list[str]:
    """The demo logins, for the block `make run` ends with (nothing when the demo
    accounts are not there)."""
    emails = [email for email, *_rest in DEMO_USERS]
    if not get_user_model().objects.filter(email__in=emails).exists():
        return []
    width = max(len(email) for email in emails) + 2
    lines = [_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD}]
    lines += [f"  {email:<{width}}{ROLE_LABELS[email]}" for email in emails]
    return lines
