"""The registry through which apps add their part to the user pages ("user extras").

send_tracker may not import the apps (placements <- programme <- finance; send_tracker imports
none), yet the user pages must show and set, say, which strands a user leads. Each app
registers a `UserExtra` in its AppConfig.ready(); the user list and detail pages ask the
registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms


@dataclass(frozen=True)
class UserExtra:
    """One app's part of the user pages.

    - `summaries(user_ids)`: user id -> a short text for the list (users without one left out);
      one query for the whole page.
    - `form(user, data=None)`: the section's form on the user's page, bound when `data` is given.
    - `save(user=, cleaned_data=, by=)`: writes the section through the app's own service and
      returns what changed, in words ([] when nothing did); raises ValidationError to refuse.
    """

    key: str  # the section's id in forms and URLs, e.g. "strands"
    label: str  # the column and section heading, e.g. "Strands"
    summaries: Callable[[Iterable[int]], dict[int, str]]
    form: Callable[..., forms.Form]
    save: Callable[..., list[str]]


_EXTRAS: dict[str, UserExtra] = {}


def register(extra: UserExtra) -> None:
    """Add (or replace, when ready() runs again) an app's part of the user pages."""
    _EXTRAS[extra.key] = extra


def user_extras() -> tuple[UserExtra, ...]:
    """Every registered part, in the order registered (the apps' order in INSTALLED_APPS)."""
    return tuple(_EXTRAS.values())


def user_extra(key: str) -> UserExtra | None:
    return _EXTRAS.get(key)


def extra_summaries(user_ids: Iterable[int]) -> dict[str, dict[int, Any]]:
    """key -> (user id -> summary text) for every registered part."""
    ids = list(user_ids)
    return {extra.key: extra.summaries(ids) for extra in user_extras()}
