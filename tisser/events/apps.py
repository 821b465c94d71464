from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tisser.events"
    verbose_name = _("Events")

    def ready(self):
        from . import staff_home, webhooks

        staff_home.register()

        from tisser.directory import engagement

        from .engagement import EventsContributor

        engagement.register(EventsContributor())
        from . import segment_conditions

        segment_conditions.register()
        webhooks.register()
