"""Tisser settings: every knob comes from an environment variable with a safe default.

Development defaults need no server (SQLite, a filesystem task broker, emails printed to
the console); production sets `TISSER_ENV=production` and the variables that
docs/admin/configuration.md lists (a test checks that it lists every one read here).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("TISSER_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env("TISSER_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("TISSER_SECRET_KEY") or (
    "" if PRODUCTION else "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("TISSER_SECRET_KEY must be set when TISSER_ENV=production")

DEBUG = env_bool("TISSER_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("TISSER_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("TISSER_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("TISSER_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NETWORK_NAME = env("TISSER_NETWORK_NAME", "APES Hauts-de-France")
# The name's article in French ("l'" → "à l'APES"; la, le, les, or empty): core/network.py.
NETWORK_ARTICLE = env("TISSER_NETWORK_ARTICLE", "l'")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_prose_editor",  # the rich-text editor's ProseMirror bundle (static files only)
    "ninja",  # the JSON API; serves its docs page's Swagger UI from static files
    "tisser.core",
    "tisser.accounts",
    "tisser.territories",
    "tisser.directory",
    "tisser.memberships",
    "tisser.events",
    "tisser.publications",
    "tisser.governance",
    "tisser.observatory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tisser.core.middleware.ApiMiddleware",
    "tisser.core.middleware.RequestInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tisser.core.middleware.ContentSecurityPolicyMiddleware",
    "tisser.core.network.ContractionsMiddleware",
]
# Django's messages, their cookie compressed only when it is long (tisser/core/messages.py).
MESSAGE_STORAGE = "tisser.core.messages.MessageStorage"

ROOT_URLCONF = "tisser.urls"
WSGI_APPLICATION = "tisser.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tisser.core.context_processors.site",
                "tisser.core.context_processors.staff_navigation",
                "tisser.directory.context_processors.representative",
            ],
        },
    },
]

# Django's form templates, with a single checkbox on one line with its label.
FORM_RENDERER = "tisser.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tisser.sqlite3'}"),
        conn_max_age=int(env("TISSER_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The hot path's few statements (a registration's look-ups, upserts and counters) are
# prepared once per PostgreSQL connection; set 0 behind a pooler in transaction mode that
# does not keep prepared statements (PgBouncer before 1.21).
TISSER_DB_PREPARED_STATEMENTS = env_bool("TISSER_DB_PREPARED_STATEMENTS", True)
if TISSER_DB_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django turns psycopg's preparation off (None); a threshold no statement reaches
    # turns it on for the statements that ask for it (`core.compiled.hot_cursor`) only.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tisser" / "locale"]
TIME_ZONE = env("TISSER_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Front-end libraries come from their PyPI packages, never copied into the repository.
import xstatic.pkg.leaflet  # noqa: E402
import xstatic.pkg.leaflet_markercluster  # noqa: E402

STATICFILES_DIRS = [
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("TISSER_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Email: SMTP when TISSER_EMAIL_HOST is set; otherwise nothing is sent, each email is
# written to a file under the data directory (a campaign to the demo's subscribers would
# flood a terminal).
DEFAULT_FROM_EMAIL = env("TISSER_DEFAULT_FROM_EMAIL", "Tisser <noreply@tisser.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("TISSER_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("TISSER_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = env("TISSER_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("TISSER_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("TISSER_EMAIL_USE_TLS")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "emails"

# How long an email-verification link stays valid.
TISSER_EMAIL_VERIFICATION_HOURS = int(env("TISSER_EMAIL_VERIFICATION_HOURS", "72"))

# Django's cache holds what every web process must agree on: the map's and the agenda's
# rendered data and the version key an organisation's change bumps. TISSER_CACHE_URL
# redis://… (or rediss://, unix://) uses Redis, shared by every host; file:///path a folder
# shared by the processes of one machine; empty, that folder under the data directory.
# Never Django's per-process memory cache: a change would show in one process only.
CACHE_URL = env("TISSER_CACHE_URL").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("TISSER_CACHE_PREFIX", "tisser"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif CACHE_URL and not CACHE_URL.startswith("file://"):
    raise RuntimeError("TISSER_CACHE_URL must start with redis://, rediss://, unix:// or file://")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://") or str(DATA_DIR / "cache"),
            "KEY_PREFIX": env("TISSER_CACHE_PREFIX", "tisser"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Knobs the apps read with getattr(settings, …): set here so the environment reaches them.
TISSER_MAP_CACHE_SECONDS = int(env("TISSER_MAP_CACHE_SECONDS", "30"))
TISSER_AGENDA_CACHE_SECONDS = int(env("TISSER_AGENDA_CACHE_SECONDS", "10"))
TISSER_REGISTRATION_CACHE_SECONDS = int(env("TISSER_REGISTRATION_CACHE_SECONDS", "60"))
TISSER_VOTE_LINK_DAYS = int(env("TISSER_VOTE_LINK_DAYS", "30"))
TISSER_SIRENE_DIR = env("TISSER_SIRENE_DIR")
TISSER_PDF_FONT = env("TISSER_PDF_FONT")
TISSER_PDF_FONT_BOLD = env("TISSER_PDF_FONT_BOLD")
TISSER_IMPORT_RETENTION_DAYS = int(env("TISSER_IMPORT_RETENTION_DAYS", "90"))
TISSER_IMPORT_STALE_SECONDS = int(env("TISSER_IMPORT_STALE_SECONDS", "120"))

# Task queue (Celery). The default broker is a folder: no server needed for `make run`.
BROKER_DIR = DATA_DIR / "broker"
# "localhost" only to keep kombu from warning that no host was given; the folder is the broker.
CELERY_BROKER_URL = env("BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("in", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # kombu's default (1 s) lets a worker take about one task a second: 650 imported rows
        # took minutes to geocode; at 0.1 s it is ~18 tasks/s, for a folder listing each time.
        "polling_interval": 0.1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("TISSER_TASKS_EAGER")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Outside services. Empty URL = offline: the fallback is used and nothing is called.
TISSER_ADDRESS_API_URL = env("TISSER_ADDRESS_API_URL", "https://data.geopf.fr/geocodage")
TISSER_GEO_API_URL = env("TISSER_GEO_API_URL", "https://geo.api.gouv.fr")
TISSER_HTTP_TIMEOUT = float(env("TISSER_HTTP_TIMEOUT", "5"))
# Map background tiles; empty = the offline background (shipped département outlines).
TISSER_MAP_TILES_URL = env("TISSER_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TISSER_MAP_TILES_ATTRIBUTION = env(
    "TISSER_MAP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)

# Cooperative map: proposals accepted per client address per hour, and the request header
# (e.g. HTTP_X_REAL_IP) in which a trusted reverse proxy passes the client address.
TISSER_PROPOSALS_PER_HOUR = int(env("TISSER_PROPOSALS_PER_HOUR", "5"))

# Images put into texts with the editor: largest upload, largest side kept, uploads a day.
TISSER_EDITOR_IMAGE_MAX_BYTES = int(env("TISSER_EDITOR_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
TISSER_EDITOR_IMAGE_MAX_SIDE = int(env("TISSER_EDITOR_IMAGE_MAX_SIDE", "1600"))
TISSER_EDITOR_IMAGES_PER_DAY = int(env("TISSER_EDITOR_IMAGES_PER_DAY", "100"))
TISSER_CLIENT_IP_HEADER = env("TISSER_CLIENT_IP_HEADER")
# Claims to represent an organisation: how long the links emailed to its representatives
# work, and how many claims on one organisation are emailed to them in 24 hours.
TISSER_CLAIM_LINK_DAYS = int(env("TISSER_CLAIM_LINK_DAYS", "14"))
TISSER_CLAIM_EMAILS_PER_DAY = int(env("TISSER_CLAIM_EMAILS_PER_DAY", "5"))

# Security. Production values pass `manage.py check --deploy`.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TISSER_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("TISSER_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The "preload" token only matters once the domain is submitted to browsers' list.
    SECURE_HSTS_PRELOAD = env_bool("TISSER_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("TISSER_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},  # not one line per geocoded address
    },
}

# --- memberships: HelloAsso (online payments) ---------------------------------------
# The key HelloAsso signs its notifications with (back-office); without it the webhook
# refuses every notification. The API credentials are optional: when set, the webhook
# confirms each payment with HelloAsso's API before recording it.
TISSER_HELLOASSO_WEBHOOK_SECRET = env("TISSER_HELLOASSO_WEBHOOK_SECRET")
TISSER_HELLOASSO_API_URL = env("TISSER_HELLOASSO_API_URL", "https://api.helloasso.com")
TISSER_HELLOASSO_CLIENT_ID = env("TISSER_HELLOASSO_CLIENT_ID")
TISSER_HELLOASSO_CLIENT_SECRET = env("TISSER_HELLOASSO_CLIENT_SECRET")
TISSER_HELLOASSO_ORGANIZATION = env("TISSER_HELLOASSO_ORGANIZATION")
# The public HelloAsso membership page the join form links to (optional).
TISSER_HELLOASSO_FORM_URL = env("TISSER_HELLOASSO_FORM_URL")
# Renewal reminders: how many days before a year ends, and after it lapsed.
TISSER_MEMBERSHIP_REMIND_BEFORE_DAYS = int(env("TISSER_MEMBERSHIP_REMIND_BEFORE_DAYS", "30"))
TISSER_MEMBERSHIP_REMIND_AFTER_DAYS = int(env("TISSER_MEMBERSHIP_REMIND_AFTER_DAYS", "15"))

# The JSON API: requests per minute per token, and per client address without one (0: no
# limit); how often a token's last use is written (seconds).
TISSER_API_TOKEN_RATE_PER_MINUTE = int(env("TISSER_API_TOKEN_RATE_PER_MINUTE", "600"))
TISSER_API_ANONYMOUS_RATE_PER_MINUTE = int(env("TISSER_API_ANONYMOUS_RATE_PER_MINUTE", "300"))
TISSER_API_LAST_USE_PRECISION = 60
# Lists of more rows than this (as the planner foresees them) give an estimated total.
TISSER_API_EXACT_COUNT_LIMIT = int(env("TISSER_API_EXACT_COUNT_LIMIT", "1000"))
# Outgoing webhooks: an endpoint is disabled after this many failed attempts in a row.
TISSER_WEBHOOKS_DISABLE_AFTER = int(env("TISSER_WEBHOOKS_DISABLE_AFTER", "15"))
