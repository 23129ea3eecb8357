"""RAG (delivery confidence) words: defined once, for programme's and finance's model choices,
the `{% rag %}` tag and exports. The word is always shown, so colour is never the only signal."""

from __future__ import annotations

from django.db import models


class Rag(models.TextChoices):
    """Delivery confidence: blue delivered, green on track, amber at risk, red off track."""

    BLUE = "blue", "Blue – delivered"
    GREEN = "green", "Green – on track"
    AMBER = "amber", "Amber – at risk"
    RED = "red", "Red – off track"


# "none": a strand with no savings target has nothing to be on track against (not green).
NO_TARGET = "none"
RAG_WORDS: dict[str, str] = {**dict(Rag.choices), NO_TARGET: "No target"}


def rag_words(value: str | None) -> str:
    """`Amber – at risk` for `amber`; an unknown value as it is, capitalised; blank for none."""
    if not value:
        return ""
    key = str(value).lower()
    return RAG_WORDS.get(key, key.capitalize())
