from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipsConfig(AppConfig):
    name = "tisser.memberships"
    verbose_name = _("Memberships")

    def ready(self):
        from . import staff_home, webhooks
        from .helloasso import csv_import  # noqa: F401  (registers the HelloAsso import)

        staff_home.register()

        from tisser.directory import engagement

        from .engagement import MembershipsContributor

        engagement.register(MembershipsContributor())
        from . import segment_conditions

        segment_conditions.register()
        webhooks.register()
