from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "tisser.publications"
    verbose_name = _("Publications")

    def ready(self):
        from anymail.signals import tracking

        from . import imports  # noqa: F401  (registers the subscriber import)
        from .sending.bounces import on_tracking_event

        tracking.connect(on_tracking_event, dispatch_uid="tisser.publications.bounces")

        from . import staff_home, webhooks

        staff_home.register()

        from tisser.directory import engagement

        from .engagement import PublicationsContributor

        engagement.register(PublicationsContributor())
        from . import segment_conditions

        segment_conditions.register()
        webhooks.register()
