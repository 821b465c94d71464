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
        self.connect_registration_cache()

    def connect_registration_cache(self) -> None:
        """Every change to what a registration reads of its event drops the cached copies."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tisser.directory.models import Category

        from .models import Event, EventKind, ProgrammeItem, Question, Session, Workshop
        from .queries import registration_data_changed

        for model in (Event, Session, ProgrammeItem, Workshop, Question, EventKind, Category):
            for signal in (post_save, post_delete):
                signal.connect(registration_data_changed, sender=model, dispatch_uid="events_reg")
        m2m_changed.connect(
            registration_data_changed,
            sender=Event.eligible_categories.through,
            dispatch_uid="events_reg",
        )
