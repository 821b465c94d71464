"""The task queue. Tasks are thin wrappers over services, queued after commit, passed ids."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisser.settings")

app = Celery("tisser")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
