"""Who leads and deputises which strands, for the user pages (send_tracker's user extras)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from programme.models import Strand


def leadership_choices() -> QuerySet:
    """The strands a user can be made lead or deputy of: the active ones, in order."""
    return Strand.objects.filter(active=True).order_by("order", "name")


def strand_leadership(*, user_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """user id -> {"lead": [strand names], "deputy": [strand names]} (two queries)."""
    ids = list(user_ids)
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "deputy": []})
    for user_id, name in (Strand.objects.filter(lead_id__in=ids)
                          .order_by("order", "name").values_list("lead_id", "name")):
        found[user_id]["lead"].append(name)
    for user_id, name in (Strand.deputies.through.objects.filter(user_id__in=ids)
                          .order_by("strand__order", "strand__name")
                          .values_list("user_id", "strand__name")):
        found[user_id]["deputy"].append(name)
    return dict(found)
