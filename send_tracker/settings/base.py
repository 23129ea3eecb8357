"""Settings shared by every environment, read from environment variables (12-factor).

`DATABASE_URL` and `REDIS_URL` fall back to the local servers on 127.0.0.1; `make run`
starts embedded ones first (send_tracker/localservices.py) when nothing answers there.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .data/env written by `make run` when it had to start embedded services.
_local_env = BASE_DIR / ".data" / "env"
if _local_env.exists():
    environ.Env.read_env(str(_local_env), overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# `seed_demo --if-changed` (make run) notes here which database and demo it seeded.
DEMO_SEED_MARKER = BASE_DIR / ".data" / "demo-seeded.json"
# A fixed key is acceptable only outside production (development, the demo, tests);
# production.py requires DJANGO_SECRET_KEY and has no default.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

COUNCIL_NAME = env("COUNCIL_NAME", default="Southshire County Council")
# The council's local-authority code in the DfE's statistics (new_la_code): whom Benchmarking
# is about.
# The demo uses Devon, the county the briefing describes.
COUNCIL_LA_CODE = env("COUNCIL_LA_CODE", default="E10000008")
# Shown on every page as a phase banner when the demo data set is loaded.
DEMO_MODE = env.bool("SEND_DEMO_MODE", default=True)
DEMO_PASSWORD = env("SEND_DEMO_PASSWORD", default="send-demo-2024")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "send_tracker",
    "placements",
    "programme",
    "finance",
    "finance.board",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "send_tracker.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "send_tracker.middleware.LoginRequiredMiddleware",
    "send_tracker.middleware.SecurityHeadersMiddleware",
    # Before anything reads request.GET: too many parameters is a 400 (DEBUG on or off).
    "send_tracker.middleware.QueryLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it turns locked-out logins into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "send_tracker.urls"
WSGI_APPLICATION = "send_tracker.wsgi.application"
ASGI_APPLICATION = "send_tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "send_tracker.context_processors.tracker",
            ],
        },
    },
]
# Django's, with the plain inputs written without a template each (send_tracker/forms.py).
FORM_RENDERER = "send_tracker.forms.Renderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/send_tracker"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# A dropped connection (database restart, terminated backend) is replaced on the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "send",
        "TIMEOUT": 300,
        # Pages must render when Redis is down: a cache error is a miss, not a 500.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for a username from one client address lock that username
# from that address only, for 15 minutes (the cool-off); an administrator can unlock it at
# /lockouts/. The address is the real client's: behind a proxy, the one the proxy saw, read from
# X-Forwarded-For through exactly TRUSTED_PROXY_COUNT proxies we run (default 0: the address
# the tracker sees). Never trust the header further: a client could write any address there.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "send_tracker.middleware.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
# One date format on every page (send_tracker/formats/en_GB): 29 November 2026; tables 29 Nov 2026.
FORMAT_MODULE_PATH = ["send_tracker.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Fingerprinted names (app.3f2a9c.css) so browsers may cache them for a year.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))

# Imports: every limit in one place, each configurable; send_tracker.imports.reading checks
# them before a file is parsed and names the limit in its message.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# A workbook is a zip: what its parts inflate to, counted while decompressing (not as declared).
IMPORT_MAX_INFLATED_BYTES = env.int("IMPORT_MAX_INFLATED_BYTES", default=200 * 1024 * 1024)
# Cells of a workbook's first sheet, empty ones included, counted while reading.
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=3_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_000_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=1_000)
# Excel's own maximum for one cell.
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=32_767)
# The import task is stopped (and the import marked failed) after this many seconds.
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail: console in development; SMTP settings from the environment in production.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="send-tracker@localhost")
# Board members who receive the signed-off monthly summary.
BOARD_MEMBER_EMAILS = env.list("BOARD_MEMBER_EMAILS", default=[])

# Invitations: an administrator's set-password link works once, for this many days.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# Programme: monthly updates are due this many working days after period end.
PROGRESS_UPDATE_DEADLINE_WORKING_DAY = env.int("PROGRESS_UPDATE_DEADLINE_WORKING_DAY", default=10)
# The reporting calendar's default dates for a period (editable per period on the calendar
# page, e.g. for bank holidays): the ledger closes, and the board meets, on these working days
# after the period ends.
FINANCE_CLOSE_WORKING_DAY = env.int("FINANCE_CLOSE_WORKING_DAY", default=6)
BOARD_MEETING_WORKING_DAY = env.int("BOARD_MEETING_WORKING_DAY", default=15)
# Board summaries are built on this working day after period end.
BOARD_SUMMARY_BUILD_WORKING_DAY = env.int("BOARD_SUMMARY_BUILD_WORKING_DAY", default=8)

# Budget RAG: red when the overspend reaches this % of budget or this many pence (the lower).
BUDGET_RAG_RED_PCT = env.float("BUDGET_RAG_RED_PCT", default=5.0)
BUDGET_RAG_RED_PENCE = env.int("BUDGET_RAG_RED_PENCE", default=10_000_000)
BUDGET_RAG_AMBER_PCT = env.float("BUDGET_RAG_AMBER_PCT", default=1.0)

# ---- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
# Tasks are idempotent, so a task lost with its worker is redelivered rather than dropped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the hard time limit of the longest task, or Redis would redeliver a task
# that is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 2,
}
# An import still running this long after it started, with no worker holding it, had its
# worker die and its redelivery too (or it was never redelivered): the minute sweeper marks it
# failed. A killed task is redelivered after the visibility timeout, and runs for at most the
# import time limit.
IMPORT_REDELIVERY_WINDOW = (CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
                            + IMPORT_TASK_TIME_LIMIT + 60)
CELERY_RESULT_EXPIRES = 86400
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = False

# Every periodic task, in one place.
CELERY_BEAT_SCHEDULE = {
    # Worker liveness for /healthz: the beat writes a heartbeat the health check reads.
    "heartbeat": {"task": "send_tracker.tasks.heartbeat", "schedule": 60.0},
    # Remind leads missing this period's update, five working days before the deadline.
    "progress-reminders": {
        "task": "programme.tasks.send_progress_reminders",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
    # Nightly overpayment scan over invoices and placements.
    "overpayment-scan": {
        "task": "placements.tasks.scan_overpayments",
        "schedule": crontab(hour=2, minute=0),
    },
    # The minute sweep: dead imports and trajectory runs written off, lost requests re-queued,
    # and a trajectory recompute asked for when the data moved (a lead's forecast, placements,
    # an import), whoever wrote it; a no-op when nothing moved.
    "sweep": {
        "task": "send_tracker.tasks.sweep",
        "schedule": 60.0,
        "options": {"expires": 120},
    },
    # Nightly recompute of the Safety Valve trajectory for every scenario.
    "trajectory-recompute": {
        "task": "finance.tasks.recompute_trajectory",
        "schedule": crontab(hour=3, minute=0),
    },
    # Build the monthly board summary draft on the configured working day after period end.
    "board-summary-build": {
        "task": "finance.tasks.build_board_summary_if_due",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon-fri"),
    },
}

# ---- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class, so a missing or
    # wrong token is a 401 the client can act on, not a 403 that reads as "no permission".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint needs a signed-in user with a role.
    "DEFAULT_PERMISSION_CLASSES": ["send_tracker.permissions.HasAnyRole"],
    "DEFAULT_PAGINATION_CLASS": "send_tracker.api.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["send_tracker.api.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "send_tracker.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SEND Programme Tracker API",
    "DESCRIPTION": "Programme, finance and placements data for the SEND transformation programme. "
    "Money is in integer pence (`*_pence`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["send_tracker.permissions.HasAnyRole"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: council networks block CDNs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Delivery confidence (RAG) is one choice set wherever it appears (fields named `rag`,
    # `confidence`, in programme and finance): one schema name, or check --deploy warns.
    # A choice set used by several components (list, request, patch) needs a name here too.
    "ENUM_NAME_OVERRIDES": {
        "RagEnum": "programme.models.Rag",
        "MitigationStatusEnum": "finance.models.Mitigation.Status",
        "KpiReadingKindEnum": "programme.models.KpiReading.Kind",
    },
}

# ---- Security (tightened further in production.py) ---------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only our own scripts and styles; charts' data travels in json_script blocks, not inline JS.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)

# ---- Logging: one line per event on stdout ------------------------------------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "send_tracker.logging.ContextFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s request=%(request_id)s "
            "task=%(task_id)s %(message)s",
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["context"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
