from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tisser.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from tisser.core.uploads import allow_uploads

        from .roles import is_staff_editor

        allow_uploads(is_staff_editor)  # staff put images in what they write
