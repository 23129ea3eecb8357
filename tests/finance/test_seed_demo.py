"""seed_demo: safe to run twice, and never by accident on a live server."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

OUR_APPS = ("send_tracker", "placements", "programme", "finance")


def row_counts() -> dict[str, int]:
    """Rows of every model of ours (history tables included), the users and the roles."""
    models = [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model("auth", "User"), apps.get_model("auth", "Group")]
    return {m._meta.label: m._default_manager.count() for m in models}


@pytest.mark.slow
@pytest.mark.django_db
def test_seeding_the_demo_twice_leaves_the_same_row_counts(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = row_counts()
    call_command("seed_demo", verbosity=0)
    second = row_counts()
    changed = {label: (first[label], n) for label, n in second.items() if first[label] != n}
    # History tables count too: a seed that re-saves unchanged rows writes false history.
    assert not changed, f"rows added by the second run (before, after): {changed}"
    assert first["auth.User"] >= 3


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_and_no_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo", verbosity=0)
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_the_demo_users_get_their_roles_and_the_administrator_reaches_the_admin_site(
    settings, client
):
    from send_tracker import demo

    settings.DEBUG = True
    demo.seed_core_users()
    # Through the sign-in page: axes needs the request, so Client.login cannot be used.
    response = client.post("/login/", {"username": "admin", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    director = get_user_model().objects.get(username="director")
    assert list(director.groups.values_list("name", flat=True)) == ["Director"]


@pytest.mark.django_db
def test_make_runs_seed_is_skipped_while_database_and_demo_are_unchanged(settings, tmp_path,
                                                                          monkeypatch):
    from io import StringIO

    from finance import demo as finance_demo
    from finance.board import demo as board_demo
    from finance.management.commands import seed_demo
    from placements import demo as placements_demo
    from programme import demo as programme_demo

    settings.DEBUG = True
    settings.DEMO_SEED_MARKER = tmp_path / ".data" / "demo-seeded.json"
    calls = []
    for module in (placements_demo, programme_demo, finance_demo, board_demo):
        monkeypatch.setattr(module, "seed", lambda log, m=module: calls.append(m.__name__))
    monkeypatch.setattr(finance_demo, "after_commit", lambda log: None)  # no queued recompute

    def run() -> str:
        out = StringIO()
        call_command("seed_demo", "--if-changed", stdout=out)
        return out.getvalue()

    run()
    assert len(calls) == 4
    assert "not seeded again" in run()
    assert len(calls) == 4  # skipped
    # A plain seed_demo always seeds (and resets the demo).
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    assert len(calls) == 8

    # Another database (a new token), or changed seeding code: seeded again.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE send_tracker_dataversion SET token = gen_random_uuid() "
                       "WHERE id = 1")
    assert "not seeded again" not in run()
    assert len(calls) == 12
    assert "not seeded again" in run()
    real_stamp = seed_demo.seed_stamp
    monkeypatch.setattr(seed_demo, "seed_stamp",
                        lambda modules: {**real_stamp(modules), "demo": "edited"})
    assert "not seeded again" not in run()
    assert len(calls) == 16
