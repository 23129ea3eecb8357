# syntax=docker/dockerfile:1
# The SEND Programme Tracker image: one image for the web server, the Celery worker and beat.
# Build: docker compose build (see docker-compose.yml for the services and their settings).

# ---- Stage 1: front-end assets, built exactly as the Makefile's `assets` target does --------
FROM node:22-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/ static/
COPY bin/build-assets bin/plotly-css.mjs bin/
RUN bin/build-assets

# ---- Stage 2: the application ---------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=send_tracker.settings.production

# WeasyPrint (board pack PDFs) needs Pango and HarfBuzz, and fonts to draw text with.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      shared-mime-info fonts-liberation fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# A non-root user owns nothing but the uploads directory (a named volume in compose).
RUN groupadd --system --gid 1000 tracker \
 && useradd --system --uid 1000 --gid tracker --home-dir /app --shell /usr/sbin/nologin tracker

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /build/static/ static/

# Static files with fingerprinted names, served by WhiteNoise. The base settings are enough
# here: collectstatic reads no secret and touches neither the database nor Redis.
RUN DJANGO_SETTINGS_MODULE=send_tracker.settings.base python manage.py collectstatic --no-input -v 0 \
 && mkdir -p /data/media \
 && chown -R tracker:tracker /data

ENV DJANGO_MEDIA_ROOT=/data/media
USER tracker
EXPOSE 8000

# Every container (web, worker, beat, migrate) checks its settings first (`check --deploy`).
ENTRYPOINT ["/app/bin/docker-entrypoint"]

# Migrations run once per deploy in the compose file's `migrate` service, not here: three
# containers migrating at the same moment would race.
CMD ["gunicorn", "send_tracker.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--threads", "4", "--timeout", "60", "--graceful-timeout", "30", \
     "--keep-alive", "5", "--access-logfile", "-"]
