"""Benchmark settings (`make bench`, `make load`): production-like (DEBUG off, fingerprinted and
compressed static files served by WhiteNoise with far-future caching) on plain HTTP, with the
collected files under bench/out/ so a benchmark never touches the working staticfiles/."""

from .base import *  # noqa: F403
from .base import BASE_DIR, LOGGING

DEBUG = False
STATIC_ROOT = BASE_DIR / "bench" / "out" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000
LOGGING["root"]["level"] = "WARNING"
