"""The task queue. Tasks are thin wrappers over services, queued after commit, passed ids.

Periodic work (reminders, scheduled publishing) is declared by each app in its own
`tasks.py` with `app.add_periodic_task(...)` at module level (not in an
`on_after_finalize` receiver, which never fires for a module imported after the app is
finalised), so no shared schedule lists every app; `make run` runs the scheduler inside its worker.
"""

import os
import sys

from celery import Celery

from tisser.core.broker import install as install_folder_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisser.settings")

_path_before = list(sys.path)
install_folder_broker()
app = Celery("tisser")
# Celery's Django fix-up puts the current directory first on sys.path. Run from an app
# folder (as `makemessages` is), that makes `tisser/core/html.py` shadow the standard
# `html`, or `territories/http.py` shadow `http`: take it out again.
if sys.path[1:] == _path_before and sys.path[:1] == [os.getcwd()]:
    del sys.path[0]
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
