"""Test settings: real PostgreSQL and Redis (from DATABASE_URL/REDIS_URL or the local servers)."""

from .base import *  # noqa: F403
from .base import CELERY_BEAT_SCHEDULE, REDIS_URL  # noqa: F401

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_SEED_MARKER = None  # tests never note a seed in the checkout (a test sets its own path)
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
