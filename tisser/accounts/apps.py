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

        from tisser.core.webhooks import endpoint_disabled

        from .signals import tell_admins_endpoint_disabled

        endpoint_disabled.connect(tell_admins_endpoint_disabled, dispatch_uid="accounts_webhooks")

        staff.register_section("administration", _("Administration"), icon="settings", order=90)
        staff.register_link(
            "administration", _("Staff roles"), "accounts:staff_roles", allowed=is_staff_admin
        )
        staff.register_link(
            "administration", _("API tokens"), "accounts:api_tokens", allowed=is_staff_editor
        )
        staff.register_link(
            "administration", _("Webhooks"), "accounts:webhooks", allowed=is_staff_admin
        )
        staff.register_link(
            "administration",
            _("Components"),
            "staff:components",
            allowed=is_staff_editor,
            order=200,
        )
