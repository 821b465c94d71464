from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "tisser.governance"
    verbose_name = _("Governance")

    def ready(self):
        from . import staff_home

        staff_home.register()

        from tisser.directory import engagement

        from .engagement import GovernanceContributor

        engagement.register(GovernanceContributor())
