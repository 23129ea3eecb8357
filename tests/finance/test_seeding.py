"""finance.seeding: one ordered list of the apps' seeders, for the demo and the scale data sets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from finance import seeding


def test_the_apps_seed_in_dependency_order_with_the_board_last():
    assert [seeder.name for seeder in seeding.seeders()] == [
        "placements", "programme", "finance", "board"]


@pytest.fixture
def recording_seeders(monkeypatch):
    """Three data apps and a summary, each noting when it seeds; returns the notes."""
    calls: list[str] = []

    def seeder(name: str, *, scale: bool = True) -> seeding.Seeder:
        demo = SimpleNamespace(seed=lambda log: calls.append(f"demo: {name}"))
        top_up = (lambda log: calls.append(f"scale: {name}")) if scale else None
        return seeding.Seeder(name, demo, top_up)

    fakes = (seeder("a"), seeder("b"), seeder("summary", scale=False), seeder("c"))
    monkeypatch.setattr(seeding, "seeders", lambda: fakes)
    return calls


@pytest.mark.django_db
def test_the_demo_seeds_each_app_once_in_list_order(recording_seeders):
    seeding.demo_load(log=lambda message: None, announce=lambda message: None)
    assert recording_seeders == ["demo: a", "demo: b", "demo: summary", "demo: c"]


@pytest.mark.django_db
def test_at_scale_every_top_up_follows_the_demo_and_a_summary_comes_after_them_all(
    recording_seeders, monkeypatch
):
    from finance.services import recompute

    monkeypatch.setattr(recompute, "trajectory_recompute", lambda force: None)
    timings = seeding.scale_load(log=lambda message: None)
    assert recording_seeders == ["demo: a", "demo: b", "demo: c",
                                 "scale: a", "scale: b", "scale: c", "demo: summary"]
    assert list(timings)[-2:] == ["analyze", "trajectory recompute"]
