"""The SEND Programme Tracker project package: settings, Celery, roles and shared helpers."""

from .celery import app as celery_app

__all__ = ["celery_app"]
