"""Create, migrate and load the scale data set (DESIGN "Speed and scale") in its own database.

    python manage.py seed_scale                      # postgres://…/send_scale beside DATABASE_URL
    python manage.py seed_scale --database-url URL   # somewhere else

The database is created if missing and migrated; the data are loaded once (a second run finds
them and stops). Fixed seeds; bulk loads (COPY and bulk_create), so bulk-loaded rows have no
change-history rows. Prints how long each step took.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from finance import seeding as scale


class Command(BaseCommand):
    help = "Create the scale data set (15,000 children, 600,000 invoices …) in its own database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database-url", help="where to load it (default: send_scale on "
                            "the server of DATABASE_URL)")
        parser.add_argument("--here", action="store_true",
                            help="load into the database this process is connected to")

    def handle(self, *args, database_url: str | None = None, here: bool = False,
               **options) -> None:
        started = time.perf_counter()
        if here:
            self._load()
        else:
            self._create_and_load(database_url)
        self.stdout.write(self.style.SUCCESS(
            f"Scale data set ready in {time.perf_counter() - started:.0f} s."))

    def _create_and_load(self, database_url: str | None) -> None:
        db = settings.DATABASES["default"]
        base = os.environ.get("DATABASE_URL") or (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
        url = database_url or scale.scale_database_url(base)
        shown = url.split("@")[-1]
        if scale.database_create(url):
            self.stdout.write(f"Created database {shown}.")
        env = {**os.environ, "DATABASE_URL": url}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # A separate process per step: this one stays connected to the working database.
        for step, argv in (("migrate", ["migrate", "--no-input", "-v", "0"]),
                           ("load", ["seed_scale", "--here"])):
            self.stdout.write(f"{step} {shown}…")
            if subprocess.run([*manage, *argv], env=env, check=False).returncode:  # noqa: S603
                raise CommandError(f"seed_scale: {step} failed")

    def _load(self) -> None:
        if scale.scale_present():
            self.stdout.write("The scale data set is already loaded: nothing to do.")
            return
        timings = scale.scale_load(log=lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(f"Loaded in {sum(timings.values()):.0f} s.")
