"""Load the demonstration data set: roles, demo users, then each app's data. Idempotent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from finance import seeding
from send_tracker import demo


class Command(BaseCommand):
    help = "Create the demo users and the illustrative data set (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Skip when this database already holds this version of the demo (make run): "
            "changes made in the tracker since are kept.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off (never in production).",
        )

    def handle(self, *args, force: bool = False, if_changed: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads demo users with a published password, so it runs only with "
                "DJANGO_DEBUG=1. Use --force if you really mean it (never on a live server)."
            )
        def log(message: str) -> None:
            self.stdout.write(f"  {message}")

        modules = tuple(seeder.demo for seeder in seeding.seeders())
        stamp = seed_stamp(modules)
        if if_changed and read_marker() == stamp:
            self.stdout.write(
                "Demo data already loaded, and the demo has not changed since: not seeded again "
                "(your changes are kept; `python manage.py seed_demo` resets the demo)."
            )
            return

        seeding.demo_load(log=log, announce=self.stdout.write)
        write_marker(stamp)
        seeding.demo_after_commit(log=log)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Sign in as admin, director or finance (or lead-<strand>) "
                f"with the password '{demo.DEMO_PASSWORD}'."
            )
        )


def marker_path() -> Path | None:
    """Where `--if-changed` notes what was seeded (None: nowhere, as under test)."""
    return getattr(settings, "DEMO_SEED_MARKER", None)


def seed_stamp(modules) -> dict[str, str]:
    """This database (its data-version token, new with every new database) and this demo (the
    seeding code and the newest migration): seeding again is needed when either differs."""
    digest = hashlib.sha256()
    for module in (demo, seeding, *modules):
        digest.update(Path(module.__file__).read_bytes())
    latest = MigrationRecorder.Migration.objects.order_by("-id").values_list("app", "name").first()
    digest.update(repr(latest).encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT token::text FROM send_tracker_dataversion WHERE id = 1")
        row = cursor.fetchone()
    return {
        "database": f"{connection.settings_dict['NAME']}:{row[0] if row else ''}",
        "demo": digest.hexdigest(),
    }


def read_marker() -> dict | None:
    if marker_path() is None:
        return None
    try:
        return json.loads(Path(marker_path()).read_text())
    except (OSError, ValueError):
        return None


def write_marker(stamp: dict[str, str]) -> None:
    if marker_path() is None:
        return
    path = Path(marker_path())
    try:
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(stamp))
    except OSError:
        pass  # a read-only checkout: the next start seeds again, which is harmless
