"""Load the demonstration data set: roles, demo users, then each app's data. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from send_tracker import demo


class Command(BaseCommand):
    help = "Create the demo users and the illustrative data set (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off (never in production).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads demo users with a published password, so it runs only with "
                "DJANGO_DEBUG=1. Use --force if you really mean it (never on a live server)."
            )
        # Imported here: the apps' demo modules import their models.
        from finance import demo as finance_demo
        from finance.board import demo as board_demo
        from placements import demo as placements_demo
        from programme import demo as programme_demo

        def log(message: str) -> None:
            self.stdout.write(f"  {message}")

        with transaction.atomic():
            demo.seed_core_users()
            # Dependency order: placements <- programme <- finance (finance reads the others).
            for name, module in (
                ("placements", placements_demo),
                ("programme", programme_demo),
                ("finance", finance_demo),
                ("board", board_demo),
            ):
                self.stdout.write(f"Seeding {name}…")
                module.seed(log=log)
        # After commit: anything the apps queue (trajectory, board builds) runs in Celery.
        for module in (placements_demo, programme_demo, finance_demo, board_demo):
            after = getattr(module, "after_commit", None)
            if after is not None:
                after(log=log)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Sign in as admin, director or finance (or lead-<strand>) "
                f"with the password '{demo.DEMO_PASSWORD}'."
            )
        )
