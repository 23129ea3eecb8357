"""Money: integer pence in, pounds as people read them out. The one place pence become £.

`£15.4m`, `£140,000`, `£666`, `-£2.5m`. Rounding is half-up (away from zero on .5),
the convention of council finance reports, never banker's rounding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.deconstruct import deconstructible

# Bounds every amount and count keeps to, wherever it comes in (imports, forms, API) and in the
# database's CHECK constraints: far above any real figure, far below where 64-bit integers
# wrap. Checked on the exact value (text, Decimal or Python int) before any int64 conversion.
MAX_AMOUNT_PENCE = 100_000_000_000  # ±£1bn: a High Needs block is a few hundred £m
MAX_COUNT = 1_000_000  # places, plans, children: a county has about 10,000 plans


def _sign(pence: int) -> str:
    return "-" if pence < 0 else ""


def round_half_up(value: Decimal | int, places: int = 0) -> Decimal:
    """Round a Decimal half-up (away from zero) to the given number of places."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def to_pence(value: Decimal | int | str) -> int:
    """Exact pounds (Decimal or str) to whole pence, half-up; never goes through float."""
    return int(round_half_up(Decimal(str(value)) * 100))


PENCE_PER_POUND = 100
PENCE_PER_MILLION = 100_000_000

_POUNDS_TEXT = re.compile(r"^\d+(\.\d{1,2})?$")


def to_pounds(pence: int | Decimal | None, *, places: int | None = None) -> Decimal | None:
    """Exact pounds (a Decimal, never a float) for a CSV or Excel cell or a form's initial
    value: 8500050 → Decimal('85000.5'); `places=2` keeps the pence digits (`85000.50`)."""
    if pence is None:
        return None
    pounds = Decimal(pence) / PENCE_PER_POUND
    return pounds if places is None else pounds.quantize(Decimal(1).scaleb(-places))


def to_whole_pounds(pence: int | Decimal | None) -> int | None:
    """Whole pounds, half-up, for a plotted point (the table and CSV keep the exact figure)."""
    return None if pence is None else int(round_half_up(Decimal(pence) / PENCE_PER_POUND))


def to_millions(pence: int | Decimal | None) -> float | None:
    """£m for a plotted point only (display; the table and CSV keep the exact figure)."""
    return None if pence is None else int(pence) / PENCE_PER_MILLION


def pounds_input(pence: int | None) -> str:
    """Pence as a form field's text, pounds and pence without £ or commas: `85000.50`."""
    return "" if pence is None else f"{to_pounds(pence, places=2)}"


def parse_pounds(text: str) -> int:
    """`£85,000` or `85000.50` → pence; raises ValueError with a plain message."""
    cleaned = text.strip().replace("£", "").replace(",", "").strip()
    if not _POUNDS_TEXT.match(cleaned):
        raise ValueError("Enter an amount in pounds, like £85,000 or 85000.50")
    try:
        return to_pence(Decimal(cleaned))
    except InvalidOperation as exc:
        raise ValueError("Enter an amount in pounds, like £85,000") from exc


def _int_half_up(amount: int, unit: int) -> int:
    """A whole number of units in `amount` (≥ 0), half-up: round_half_up's result for whole
    pence (units 100 and 10,000,000 are even), in integer arithmetic, exact and quicker."""
    return (amount + unit // 2) // unit


def format_pounds(pence: int | Decimal | None, *, places: int = 0) -> str:
    """Whole pounds with thousands separators: 14000000 → `£140,000`; places=2 keeps pence."""
    if pence is None:
        return "–"
    if type(pence) is int and places == 0:  # the common case: whole pence, whole pounds
        return f"{_sign(pence)}£{_int_half_up(abs(pence), PENCE_PER_POUND):,}"
    # Decimal pence (an exact intermediate) are rounded once, here, never truncated first.
    pounds = round_half_up(abs(Decimal(pence)) / 100, places)
    return f"{_sign(pence)}£{pounds:,.{places}f}"


def format_money(pence: int | Decimal | None) -> str:
    """Short form for headlines: `£15.4m` from £1m, `£140,000` below, `£666` for small sums."""
    if pence is None:
        return "–"
    if type(pence) is int:  # whole pence (most figures a page shows): integer arithmetic
        if abs(pence) < PENCE_PER_MILLION:
            return format_pounds(pence)
        tenths = _int_half_up(abs(pence), PENCE_PER_MILLION // 10)
        return f"{_sign(pence)}£{tenths // 10:,}.{tenths % 10}m"
    pence = Decimal(pence)
    if abs(pence) >= PENCE_PER_MILLION:  # £1m and above, one decimal place
        millions = round_half_up(abs(pence) / Decimal(PENCE_PER_MILLION), 1)
        return f"{_sign(pence)}£{millions:,.1f}m"
    return format_pounds(pence)


def format_millions(pence: int | Decimal | None) -> str:
    """Always in £m with one decimal, for every label of one chart: `£0.8m` beside `£4.4m`
    (where format_money would say `£800,000`), so a chart keeps one unit."""
    if pence is None:
        return "–"
    pence = Decimal(pence)
    millions = round_half_up(abs(pence) / Decimal(100_000_000), 1)
    return f"{_sign(pence) if millions else ''}£{millions:,.1f}m"


def money_formatter(values: Iterable[int | Decimal | None]) -> Callable[[int | None], str]:
    """One unit for every figure of one chart and its table: £m with one decimal when any is
    £1m or more (`£0.8m` beside `£4.4m`), else whole pounds (`£140,000` beside `£6,000`)."""
    big = any(v is not None and abs(v) >= 100_000_000 for v in values)
    return format_millions if big else format_pounds


def format_change(pence: int | None) -> str:
    """A movement with its direction in words: `up £1.2m`, `down £300,000`, `no change`."""
    if pence is None:
        return "–"
    if pence == 0:
        return "no change"
    return f"{'up' if pence > 0 else 'down'} {format_money(abs(pence))}"


def amount_bound_text() -> str:
    """The amount bound as people read it: `£1,000,000,000`."""
    return format_pounds(MAX_AMOUNT_PENCE)


def amount_out_of_bounds(pence: int | Decimal) -> str | None:
    """Why an exact amount in pence is outside ±£1bn, or None if it is inside."""
    if abs(pence) > MAX_AMOUNT_PENCE:
        return f"must be between -{amount_bound_text()} and {amount_bound_text()}"
    return None


def count_out_of_bounds(count: int) -> str | None:
    """Why an exact count (places, plans) is outside 0 to 1,000,000, or None."""
    if count < 0 or count > MAX_COUNT:
        return f"must be a count from 0 to {MAX_COUNT:,}"
    return None


@deconstructible
class PenceBound:
    """Model and form validator: an amount in pence within ±£1bn (message names the bound)."""

    def __call__(self, value) -> None:
        if value is None:
            return
        reason = amount_out_of_bounds(value)
        if reason:
            raise ValidationError(f"The amount {reason}.", code="amount_bound")

    def __eq__(self, other) -> bool:
        return isinstance(other, PenceBound)

    def __hash__(self) -> int:
        return hash("PenceBound")


def pence_bound_check(field: str) -> Q:
    """The database CHECK condition backing the bound: `field` within ±£1bn."""
    return Q(**{f"{field}__gte": -MAX_AMOUNT_PENCE}) & Q(**{f"{field}__lte": MAX_AMOUNT_PENCE})


@deconstructible
class CountBound:
    """Model and form validator: a count (places, plans) from 0 to 1,000,000."""

    def __call__(self, value) -> None:
        if value is None:
            return
        reason = count_out_of_bounds(value)
        if reason:
            raise ValidationError(f"The number {reason}.", code="count_bound")

    def __eq__(self, other) -> bool:
        return isinstance(other, CountBound)

    def __hash__(self) -> int:
        return hash("CountBound")
