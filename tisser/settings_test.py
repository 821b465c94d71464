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
TISSER_MAP_CACHE_SECONDS = 0  # the cache outlives each test's database; map tests turn it on
TISSER_REGISTRATION_CACHE_SECONDS = 0  # the same; the registration cache's tests turn it on
LANGUAGE_CODE = "fr"

# A file, not an in-memory database: the real-worker test starts a worker process that
# must see the same SQLite database (`celery_worker_process` in tisser/conftest.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Several checkouts may test on one PostgreSQL server at once: each names its own test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TISSER_TEST_DATABASE", "test_tisser")
    }

# The API's rate limits are tested on their own (they set a low limit).
TISSER_API_ANONYMOUS_RATE_PER_MINUTE = 0
TISSER_API_TOKEN_RATE_PER_MINUTE = 0
# Webhook tests post to a receiver on 127.0.0.1 over plain HTTP.
TISSER_WEBHOOKS_ALLOW_LOOPBACK = True
