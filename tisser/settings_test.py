"""Settings for the test suite: fast hashing, tasks run in-process, nothing leaves the machine."""

import os
import tempfile

os.environ.setdefault("TISSER_DATA_DIR", tempfile.mkdtemp(prefix="tisser-test-"))

from tisser.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
TISSER_ADDRESS_API_URL = ""
TISSER_GEO_API_URL = ""
TISSER_MAP_TILES_URL = ""
LANGUAGE_CODE = "fr"
