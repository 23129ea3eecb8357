"""Money: integer pence in, pounds as people read them out. The one place pence become £.

`£15.4m`, `£140,000`, `£666`, `-£2.5m`. Rounding is half-up (away from zero on .5),
the convention of council finance reports, never banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _sign(pence: int) -> str:
    return "-" if pence < 0 else ""


def round_half_up(value: Decimal | int, places: int = 0) -> Decimal:
    """Round a Decimal half-up (away from zero) to the given number of places."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def to_pence(value: Decimal | int | str) -> int:
    """Exact pounds (Decimal or str) to whole pence, half-up; never goes through float."""
    return int(round_half_up(Decimal(str(value)) * 100))


def format_pounds(pence: int | Decimal | None, *, places: int = 0) -> str:
    """Whole pounds with thousands separators: 14000000 → `£140,000`; places=2 keeps pence."""
    if pence is None:
        return "–"
    # Decimal pence (an exact intermediate) are rounded once, here, never truncated first.
    pounds = round_half_up(abs(Decimal(pence)) / 100, places)
    return f"{_sign(pence)}£{pounds:,.{places}f}"


def format_money(pence: int | Decimal | None) -> str:
    """Short form for headlines: `£15.4m` from £1m, `£140,000` below, `£666` for small sums."""
    if pence is None:
        return "–"
    pence = Decimal(pence)
    if abs(pence) >= 100_000_000:  # £1m and above, one decimal place
        millions = round_half_up(abs(pence) / Decimal(100_000_000), 1)
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


def format_change(pence: int | None) -> str:
    """A movement with its direction in words: `up £1.2m`, `down £300,000`, `no change`."""
    if pence is None:
        return "–"
    if pence == 0:
        return "no change"
    return f"{'up' if pence > 0 else 'down'} {format_money(abs(pence))}"
