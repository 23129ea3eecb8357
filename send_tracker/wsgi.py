"""WSGI entry point (gunicorn send_tracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_tracker.settings.production")
application = get_wsgi_application()
