"""Settings for factcheck: one module, driven by environment variables.

Development defaults are safe for a laptop (SQLite, DEBUG on, local hosts only);
production differs only by environment:

- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/factcheck`` (default: SQLite file).
- ``DJANGO_SECRET_KEY``: required when ``DJANGO_DEBUG`` is off.
- ``DJANGO_DEBUG``: ``1``/``0`` (default ``1``).
- ``DJANGO_ALLOWED_HOSTS``: comma-separated (default ``127.0.0.1,localhost``).
- ``FACTCHECK_DEMO``: ``1`` allows the demo accounts command (``make run`` sets it).
- ``FACTCHECK_PUBLISHER_NAME``, ``FACTCHECK_PUBLISHER_URL``: the organisation named as author of
  ClaimReview exports; ``FACTCHECK_CLAIM_URL``: a claim review's address, ``{id}`` the claim's id.
- ``DJANGO_PG_RANDOM_PAGE_COST``: the planner's random page cost on PostgreSQL (default ``1.1``).
- ``DJANGO_CONN_MAX_AGE``: seconds a database connection is reused (default ``60``).
- ``DJANGO_LOG_LEVEL``: the root log level (default ``WARNING``).
- ``DJANGO_API_ANON_RATE`` / ``DJANGO_API_USER_RATE``: API throttles (default ``60/minute`` and
  ``6000/minute``).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
DEMO_MODE = env_bool("FACTCHECK_DEMO", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-local-use"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "factcheck.apps.FactcheckAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a busy writer instead of failing at once with "database is locked", and take the
    # write lock when a transaction starts: SQLite has no SELECT ... FOR UPDATE, so this is what
    # serialises concurrent workflow actions (a stale one then gets its Conflict, not a 500).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default random_page_cost (4) assumes spinning disks and makes the planner
    # prefer a full scan to the claim search's trigram index; 1.1 suits SSDs and a cached working
    # set. DJANGO_PG_RANDOM_PAGE_COST="" keeps the server's own setting.
    page_cost = os.environ.get("DJANGO_PG_RANDOM_PAGE_COST", "1.1").strip()
    if page_cost:
        float(page_cost)  # refuse anything but a number
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={page_cost}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "annotations.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("DJANGO_API_ANON_RATE", "60/minute"),
        "user": os.environ.get("DJANGO_API_USER_RATE", "6000/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Claims, evidence, verdicts and their review history.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets come from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the verdict choices, whichever field holds them (verdict, published and corrected).
    "ENUM_NAME_OVERRIDES": {"VerdictEnum": "annotations.models.Verdict"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.add_error_responses",
    ],
}

# Where `load_seeds` looks when given no path.
FACTCHECK_SEEDS_DIR = BASE_DIR / "seeds"

# Published exports (ClaimReview, the HTML report): who publishes, and where a claim's review lives
# ("{id}" is replaced by the claim's id).
FACTCHECK_PUBLISHER_NAME = os.environ.get("FACTCHECK_PUBLISHER_NAME", "Factcheck newsroom")
FACTCHECK_PUBLISHER_URL = os.environ.get("FACTCHECK_PUBLISHER_URL", "")
FACTCHECK_CLAIM_URL = os.environ.get("FACTCHECK_CLAIM_URL", "https://factcheck.example.org/claims/{id}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
