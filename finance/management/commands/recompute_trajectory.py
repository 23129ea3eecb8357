"""Recompute the Safety Valve trajectory: queued to the workers, or here and now with --wait."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from finance.models import Scenario


class Command(BaseCommand):
    help = "Recompute the trajectory for every scenario (or one). --wait runs it in this process."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scenario", help="a scenario's name or slug (default: every one)")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="compute here and report, instead of queueing for a worker",
        )
        parser.add_argument(
            "--force", action="store_true", help="compute even if the inputs are unchanged"
        )

    def handle(
        self, *args, scenario: str | None = None, wait: bool = False, force: bool = False, **options
    ) -> None:
        scenario_id = None
        if scenario:
            found = (
                Scenario.objects.filter(slug=scenario).first()
                or Scenario.objects.filter(name__iexact=scenario).first()
            )
            if found is None:
                names = ", ".join(Scenario.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"No scenario '{scenario}'. Scenarios: {names}.")
            scenario_id = found.pk
        if not wait:
            from finance.tasks import recompute_trajectory

            result = recompute_trajectory.delay(scenario_id=scenario_id, force=force)
            self.stdout.write(f"Queued the recompute (task {result.id}).")
            return
        from finance.services.recompute import trajectory_recompute

        started = time.perf_counter()
        runs = trajectory_recompute(scenario_id=scenario_id, force=force)
        elapsed = time.perf_counter() - started
        if not runs:
            self.stdout.write(f"Nothing to recompute: inputs unchanged ({elapsed:.3f} s).")
        for run in runs:
            self.stdout.write(
                f"{run.scenario.name}: run {run.pk} finished in "
                f"{run.duration_ms} ms ({run.points.count()} years)."
            )
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.3f} s."))
