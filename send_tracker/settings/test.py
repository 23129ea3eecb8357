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
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
