"""Test settings: real PostgreSQL and Redis (from DATABASE_URL/REDIS_URL or the local servers)."""

from .base import *  # noqa: F403
from .base import CELERY_BEAT_SCHEDULE, REDIS_URL  # noqa: F401

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# In-memory for the test process; the live stack's server and workers (tests/live) write theirs
# to files, which the journeys read (an invitee follows the link in their e-mail).
EMAIL_BACKEND = env(  # noqa: F405
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default="")  # noqa: F405
DEMO_SEED_MARKER = None  # tests never note a seed in the checkout (a test sets its own path)
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
