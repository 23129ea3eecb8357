"""Suggestions for the mapping step: which column of a council's file is most like each of ours,
and what each of ours must hold, in plain words."""

from __future__ import annotations

import difflib
import re

from send_tracker.imports.columns import Column
from send_tracker.imports.core import ImportFormat
from send_tracker.imports.mapping import normalise

# Below this similarity a column is not suggested at all.
SUGGEST_CUTOFF = 0.45

# Words that mean the same in a column name, reduced to the word our formats use.
_SYNONYMS = {
    "id": "ref", "code": "ref", "reference": "ref", "number": "ref", "no": "ref",
    "percent": "pct", "percentage": "pct", "share": "pct", "contribution": "pct",
    "setting": "provision", "fee": "cost", "price": "cost",
    "value": "amount", "total": "amount", "commenced": "start", "began": "start",
    "ended": "end", "finish": "end", "ceased": "end", "pupil": "child", "young": "child",
    "learner": "child", "school": "provider", "establishment": "provider", "fy": "year",
    "month": "period", "from": "start", "to": "end", "area": "locality", "district": "locality",
}
_NOISE = {"gbp", "the", "of", "a"}
# Phrases councils' systems use for one of our columns, replaced before the words are compared.
_PHRASES = {
    "national curriculum year": "ncy", "nc year": "ncy", "year group": "ncy",
    "ytd": "to date", "year to date": "to date", "cost centre": "line code",
    "ledger code": "line code", "need type": "primary need", "sen need": "primary need",
}


def _words(name: str) -> list[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name)).replace("%", " pct ").lower()
    text = " ".join(re.split(r"[^a-z0-9]+", text))
    for phrase, ours in _PHRASES.items():
        text = re.sub(rf"\b{phrase}\b", ours, text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _NOISE]
    return [_SYNONYMS.get(w, w) for w in words]


def similarity(ours: str, theirs: str) -> float:
    """0–1: shared words (after synonyms) weighted most, spelling the rest."""
    a, b = set(_words(ours)), set(_words(theirs))
    if not a or not b:
        return 0.0
    words = len(a & b) / len(a | b)
    spelling = difflib.SequenceMatcher(None, " ".join(_words(ours)),
                                       " ".join(_words(theirs))).ratio()
    return 0.7 * words + 0.3 * spelling


def suggest(fmt: ImportFormat, header: list[str]) -> dict[str, str]:
    """Our column name -> the file's column (normalised) most like it, each used once."""
    pairs = sorted(
        ((similarity(c.name, h), c.name, normalise(h)) for c in fmt.columns for h in header),
        key=lambda p: -p[0],
    )
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for score, ours, theirs in pairs:
        if score < SUGGEST_CUTOFF:
            break
        if ours not in chosen and theirs not in used:
            chosen[ours] = theirs
            used.add(theirs)
    return chosen


def column_rules(column: Column) -> str:
    """What a column must hold, in plain words, for the mapping step."""
    kinds = {
        "text": "text", "int": "a whole number", "money": "an amount in pounds (£1,234.50)",
        "date": "a date (31/03/2025 or 2025-03-31)", "bool": "yes or no",
        "pct": "a percentage from 0 to 100", "decimal": "a number", "code": "one of the codes",
        "year": "a financial year (2024/25)", "period": "a period from 1 to 12",
    }
    parts = [kinds[column.kind]]
    if column.max_length:
        parts.append(f"at most {column.max_length} characters")
    if column.min_value is not None and column.min_value == 0:
        parts.append("not negative")
    if column.unique:
        parts.append("different on every row")
    parts.append("needed on every row" if column.required else "may be blank")
    return "; ".join(parts)
