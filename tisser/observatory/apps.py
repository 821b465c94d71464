from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "tisser.observatory"
    verbose_name = _("Observatory")

    def ready(self):
        from . import imports, staff_home  # noqa: F401  (imports: registers the importers)
        from .sirene import running  # noqa: F401

        staff_home.register()
