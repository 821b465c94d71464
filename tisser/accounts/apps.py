from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tisser.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from tisser.core import staff
        from tisser.core.uploads import allow_uploads

        from .roles import is_staff_admin, is_staff_editor

        allow_uploads(is_staff_editor)  # staff put images in what they write

        staff.register_section("administration", _("Administration"), icon="settings", order=90)
        staff.register_link(
            "administration", _("Staff roles"), "accounts:staff_roles", allowed=is_staff_admin
        )
        staff.register_link(
            "administration",
            _("Components"),
            "staff:components",
            allowed=is_staff_editor,
            order=200,
        )
