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
- Intake (``docs/INTAKE.md``): ``FACTCHECK_FETCH_TIMEOUT`` (seconds, default ``15``),
  ``FACTCHECK_FETCH_MAX_BYTES`` (default 5 MB), ``FACTCHECK_FETCH_MAX_REDIRECTS`` (default ``5``),
  ``FACTCHECK_FETCH_ALLOW_PRIVATE`` (fetch private, loopback and link-local addresses too; default
  ``0``: never on a server that can reach an internal network), ``FACTCHECK_UPLOAD_MAX_BYTES`` (per
  file, default 5 MB), ``FACTCHECK_UPLOAD_MAX_FILES`` (default ``200``), ``FACTCHECK_FEED_MINUTES``
  (how often a feed is checked, default ``30``), ``FACTCHECK_JOB_STALE_MINUTES`` (a running job with
  no progress for this long is taken for dead and may be retried, default ``10``).

Production mode (``DJANGO_DEBUG=0``; ``make serve``) also reads, with safe defaults:

- ``DJANGO_SECURE_SSL_REDIRECT``: redirect plain HTTP to HTTPS (default ``1``).
- ``DJANGO_HSTS_SECONDS`` (default one year), ``DJANGO_HSTS_INCLUDE_SUBDOMAINS``, ``DJANGO_HSTS_PRELOAD``
  (default ``1`` both).
- ``DJANGO_PROXY_COUNT``: how many reverse proxies stand in front of the app (default ``0``). From 1
  up, the scheme comes from ``X-Forwarded-Proto`` and the client's address from ``X-Forwarded-For``
  (for the sign-in lock-out): set it only when the app is reachable through those proxies alone.
- ``DJANGO_CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://factcheck.example.org``) when
  the proxy does not pass the original ``Host``.
- ``DJANGO_STATIC_ROOT``: where ``collectstatic`` gathers the static files (default ``staticfiles/``).
- ``DJANGO_LOGIN_FAILURE_LIMIT`` (default ``5``) and ``DJANGO_LOGIN_COOLOFF_MINUTES`` (default
  ``15``): failed sign-ins per username and address before a lock-out, and how long it lasts.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

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
        # One line and a non-zero exit, not a traceback: manage.py, gunicorn (which loads the app
        # before forking) and make serve all stop here.
        sys.exit("factcheck: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode).")
    SECRET_KEY = "insecure-development-key-only-for-local-use"
elif not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    # The key Django's deploy check calls weak (it only warns): refused, as a missing one is.
    sys.exit(
        f"factcheck: DJANGO_SECRET_KEY is weak (at least {SECRET_KEY_MIN_LENGTH} characters, "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, not '{SECRET_KEY_INSECURE_PREFIX}...'): make one with "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host.strip()
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
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "factcheck.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the claim page answers an in-place action with the part of the page it changed.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out flagged during sign-in into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
# After signing in on the admin's login page with no (or an unsafe) ``next``: the admin, not
# Django's default /accounts/profile/, which this site does not have.
LOGIN_REDIRECT_URL = "/admin/"

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

# Every password set through Django (createsuperuser, changepassword, the admin's forms, the demo
# accounts' chosen password) must pass these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# In production whitenoise serves what `collectstatic` gathered (make serve runs it), compressed and
# with content hashes in the names so that browsers may cache them for good.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Fixed here, not left to whitenoise reading DEBUG later: the test runner turns DEBUG off, and the
# development server and the tests have no collected files, only the apps' own.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# --- Security -----------------------------------------------------------------------------------
# Django's defaults already send X-Frame-Options: DENY, X-Content-Type-Options: nosniff,
# Referrer-Policy: same-origin and Cross-Origin-Opener-Policy: same-origin; they are named here so
# that `check --deploy` (tested) and a reader see them. The rest is on in production mode only.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

# Reverse proxies in front of the app (0: none). They must overwrite X-Forwarded-Proto and append to
# X-Forwarded-For, and the app must be unreachable except through them: both headers are trusted.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every page: scripts only from this site's own files (the
# admin has no inline script; the API docs load their set-up script from a URL of their own).
# Inline styles stay allowed: the workspace colours its badges with style attributes, and a style
# can neither run code nor send data anywhere that img-src and connect-src do not allow.
# Downloaded HTML (the report) gets a stricter policy still: factcheck/security.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Failed sign-ins (the admin's login form and the API's token endpoint) are counted per username and
# client address, in the database (shared by every gunicorn instance); past the limit that pair is
# locked out until the cool-off time passes without another attempt, or until `manage.py axes_reset`.
# A successful sign-in clears the count. Other users, and the same user elsewhere, are unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "factcheck.security.client_ip"
AXES_LOCKOUT_CALLABLE = "factcheck.security.lockout_response"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.JSONBodyParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "annotations.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "annotations.api.throttles.AnonymousThrottle",
        "annotations.api.throttles.UserThrottle",
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
    # No badge fetched from validator.swagger.io: the docs page talks to this site only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name for the verdict choices, whichever field holds them (verdict, published and corrected).
    "ENUM_NAME_OVERRIDES": {
        "VerdictEnum": "annotations.models.Verdict",
        "ClaimStatusEnum": "annotations.models.ClaimStatus",
        "ImportStatusEnum": "annotations.models.ImportStatus",
        "ImportItemStatusEnum": "annotations.models.ImportItemStatus",
        "OriginEnum": "annotations.models.Origin",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.add_error_responses",
    ],
}

# Where `load_seeds` looks when given no path.
FACTCHECK_SEEDS_DIR = BASE_DIR / "seeds"

# Background jobs (imports, feeds) on django-tasks' database backend: any number of workers
# (`manage.py db_worker`) on any machines sharing the database take them, each job once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
FACTCHECK_FETCH_TIMEOUT = float(os.environ.get("FACTCHECK_FETCH_TIMEOUT", "15"))
FACTCHECK_FETCH_MAX_BYTES = int(os.environ.get("FACTCHECK_FETCH_MAX_BYTES", str(5_000_000)))
FACTCHECK_FETCH_MAX_REDIRECTS = int(os.environ.get("FACTCHECK_FETCH_MAX_REDIRECTS", "5"))
FACTCHECK_FETCH_ALLOW_PRIVATE = env_bool("FACTCHECK_FETCH_ALLOW_PRIVATE", False)
FACTCHECK_UPLOAD_MAX_BYTES = int(os.environ.get("FACTCHECK_UPLOAD_MAX_BYTES", str(5_000_000)))
FACTCHECK_UPLOAD_MAX_FILES = int(os.environ.get("FACTCHECK_UPLOAD_MAX_FILES", "200"))
FACTCHECK_FEED_MINUTES = int(os.environ.get("FACTCHECK_FEED_MINUTES", "30"))
FACTCHECK_JOB_STALE_MINUTES = int(os.environ.get("FACTCHECK_JOB_STALE_MINUTES", "10"))

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
