"""Column declarations and their vectorised parsing: text cells in, typed values and problems out.

Every parser works on a whole pandas Series at once and returns (values, bad_mask, reason);
money becomes int64 pence by string arithmetic, never through float.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from send_tracker.money import MAX_AMOUNT_PENCE, MAX_COUNT, format_pounds

KINDS = ("text", "int", "money", "date", "bool", "pct", "decimal", "code", "year", "period")
TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0"}
EARLIEST_DATE = pd.Timestamp("2000-01-01")
LATEST_DATE = pd.Timestamp("2100-12-31")


@dataclass(frozen=True)
class Column:
    """One column of an import format: its exact name, kind and per-cell rules."""

    name: str
    kind: str
    required: bool = True  # a value is needed in every row (the column itself is always needed)
    # For "code": the accepted codes, matched case-insensitively.
    choices: Sequence[str] | None = None
    min_value: int | Decimal | None = None
    max_value: int | Decimal | None = None
    max_length: int | None = None
    unique: bool = False  # no two rows of one file may share the value

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; use one of {KINDS}.")


@dataclass
class Parsed:
    values: pd.Series
    bad: pd.Series  # True where the cell could not be read
    reason: str


def _text(raw: pd.Series, column: Column) -> Parsed:
    values = raw.str.strip()
    bad = pd.Series(False, index=raw.index)
    reason = ""
    if column.max_length:
        bad = values.str.len() > column.max_length
        reason = f"is longer than {column.max_length} characters"
    return Parsed(values, bad, reason)


_MONEY_RE = r"^(?P<sign>-?)(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]{1,2}))?$"


def _clean_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip £, thousands separators and spaces; '(1,234.50)' is negative, as accountants write."""
    text = raw.str.strip()
    # Python's regex (pyarrow's \s misses some spaces) only on the cells that may hold one of
    # those characters: plain numbers such as 1234.50 pass by (50 ms for 100,000 cells).
    plain = text.str.fullmatch(r"[0-9.()-]*").fillna(False).astype(bool)
    if not plain.all():
        text = text.where(plain, text[~plain].str.replace(r"[£,\s]", "", regex=True))
    bracketed = text.str.match(r"^\(.*\)$")
    text = text.where(~bracketed, "-" + text.str.slice(1, -1))
    return text, bracketed


# Digits of a whole number that cannot be in bounds (money: over £1bn; counts: over 1,000,000),
# replaced by a value just past the bound before any int64 conversion, so it cannot wrap and the
# bounds check names the bound.
_MAX_WHOLE_DIGITS = {"money": len(str(MAX_AMOUNT_PENCE // 100)), "int": len(str(MAX_COUNT))}


def _clamp_digits(digits: pd.Series, kind: str, past: int) -> pd.Series:
    """Whole-number digit strings with any too long to be in bounds replaced by `past`."""
    too_long = digits.str.lstrip("0").str.len() > _MAX_WHOLE_DIGITS[kind]
    return digits.where(~too_long, str(past))


_NOTHING = pa.scalar("", pa.large_string())  # the join of pounds and pence digits


def _money(raw: pd.Series, column: Column) -> Parsed:
    text, _ = _clean_number(raw)
    # One regex extract in pyarrow (RE2, C++) splits every cell into sign, pounds and pence,
    # null where the cell is not an amount; pyarrow's cast makes the digits an integer, never
    # through float (pandas' partition and to_numeric took 120 ms of 100,000 cells).
    parts = pc.extract_regex(pa.array(text.fillna(""), type=pa.large_string()), _MONEY_RE)
    bad = pd.Series(parts.is_null().to_numpy(zero_copy_only=False), index=raw.index)
    pounds = pc.fill_null(pc.struct_field(parts, "whole"), "0")
    pounds = _clamp_digits(pd.Series(pounds, index=raw.index, dtype="str"), "money",
                           MAX_AMOUNT_PENCE // 100 + 1)
    pennies = pc.utf8_rpad(pc.fill_null(pc.struct_field(parts, "fraction"), ""), 2, "0")
    pence = pc.cast(pc.binary_join_element_wise(pa.array(pounds), pennies, _NOTHING), pa.int64())
    negative = pc.fill_null(pc.equal(pc.struct_field(parts, "sign"), "-"), False)
    pence = pc.if_else(negative, pc.negate(pence), pence)
    return Parsed(pd.Series(pence.to_numpy(), index=raw.index, dtype="int64"), bad,
                  "is not an amount of money (e.g. £1,234.50)")


def _int(raw: pd.Series, column: Column) -> Parsed:
    text, _ = _clean_number(raw)
    bad = ~text.str.match(r"^-?[0-9]+$").fillna(False).astype(bool)
    good = text.where(~bad, "0")
    negative = good.str.startswith("-")
    digits = _clamp_digits(good.str.removeprefix("-"), "int", MAX_COUNT + 1)
    values = pd.to_numeric(digits).astype("int64")
    values = values.where(~negative, -values)
    return Parsed(values, bad, "is not a whole number")


def _decimal(raw: pd.Series, column: Column) -> Parsed:
    text, _ = _clean_number(raw.str.replace("%", "", regex=False))
    bad = ~text.str.match(r"^-?[0-9]+(\.[0-9]+)?$")

    def to_decimal(value: str) -> Decimal:
        try:
            return Decimal(value)
        except InvalidOperation:
            return Decimal(0)

    values = text.where(~bad, "0").map(to_decimal)
    return Parsed(values, bad, "is not a number")


def _pct(raw: pd.Series, column: Column) -> Parsed:
    parsed = _decimal(raw, column)
    out_of_range = ~parsed.bad & parsed.values.map(lambda v: not (0 <= v <= 100))
    return Parsed(parsed.values, parsed.bad | out_of_range, "is not a percentage from 0 to 100")


def _date(raw: pd.Series, column: Column) -> Parsed:
    text = raw.str.strip()
    # Excel cells read from XLSX arrive as '2025-03-31 00:00:00'.
    stamps = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    rest = stamps.isna()  # read as UK dates only the cells that are not ISO dates
    if rest.any():
        stamps = stamps.fillna(pd.to_datetime(text[rest], format="%d/%m/%Y", errors="coerce"))
    bad = stamps.isna() | (stamps < EARLIEST_DATE) | (stamps > LATEST_DATE)
    values = stamps.dt.date.astype(object).where(~bad, None)
    reason = "is not a date between 2000 and 2100 (write 31/03/2025 or 2025-03-31)"
    return Parsed(values, bad, reason)


def _bool(raw: pd.Series, column: Column) -> Parsed:
    text = raw.str.strip().str.lower()
    values = text.isin(TRUE_WORDS)
    bad = ~(values | text.isin(FALSE_WORDS))
    return Parsed(values, bad, "is not yes or no")


def _code(raw: pd.Series, column: Column) -> Parsed:
    canonical = {str(c).lower(): str(c) for c in (column.choices or ())}
    values = raw.str.strip().str.lower().map(canonical)
    bad = values.isna()
    shown = ", ".join(list(canonical.values())[:20])
    return Parsed(values, bad, f"is not a known code (expected one of: {shown})")


def _year(raw: pd.Series, column: Column) -> Parsed:
    parts = raw.str.strip().str.extract(r"^([0-9]{4})\s*[/-]\s*([0-9]{2}|[0-9]{4})$")
    start = pd.to_numeric(parts[0], errors="coerce")
    end = pd.to_numeric(parts[1], errors="coerce")
    two_digit = parts[1].str.len() == 2
    follows = np.where(two_digit, end == (start + 1) % 100, end == start + 1)
    bad = start.isna() | ~pd.Series(follows, index=raw.index).fillna(False).astype(bool)
    values = start.fillna(0).astype("int64")
    return Parsed(values, bad, "is not a financial year (write 2024/25 or 2024-25)")


def _period(raw: pd.Series, column: Column) -> Parsed:
    text = raw.str.strip().str.upper().str.removeprefix("P")
    numbers = pd.to_numeric(text.where(text.str.match(r"^[0-9]{1,2}$"), None), errors="coerce")
    bad = numbers.isna() | (numbers < 1) | (numbers > 12)
    return Parsed(numbers.fillna(0).astype("int64"), bad, "is not a period from 1 to 12")


PARSERS = {
    "text": _text,
    "int": _int,
    "money": _money,
    "date": _date,
    "bool": _bool,
    "pct": _pct,
    "decimal": _decimal,
    "code": _code,
    "year": _year,
    "period": _period,
}


def parse_column(raw: pd.Series, column: Column) -> tuple[Parsed, pd.Series]:
    """Parse a column; returns the parse and the mask of empty cells."""
    raw = raw.fillna("").astype(str)
    empty = raw.str.strip() == ""
    parsed = PARSERS[column.kind](raw.where(~empty, "0" if column.kind != "text" else ""), column)
    parsed.bad = parsed.bad & ~empty
    if column.kind not in ("text", "bool"):
        parsed.values = parsed.values.astype(object).where(~empty, None)
    return parsed, empty


def column_bounds(column: Column) -> tuple[int | Decimal | None, int | Decimal | None]:
    """A column's (low, high): its own, within send_tracker.money's bounds for money and counts."""
    low, high = column.min_value, column.max_value
    if column.kind == "money":
        low = -MAX_AMOUNT_PENCE if low is None else max(low, -MAX_AMOUNT_PENCE)
        high = MAX_AMOUNT_PENCE if high is None else min(high, MAX_AMOUNT_PENCE)
    elif column.kind == "int":
        low = -MAX_COUNT if low is None else max(low, -MAX_COUNT)
        high = MAX_COUNT if high is None else min(high, MAX_COUNT)
    return low, high


def bounds_masks(values: pd.Series, column: Column) -> list[tuple[pd.Series, str]]:
    """(mask, reason) for cells below the column's lowest or above its highest value.

    A column with both its own bounds has one message naming both; otherwise each side has its
    own ("must not be negative"; "must be at most £1,000,000,000").
    """
    low, high = column_bounds(column)
    present = values.notna()

    def shown(bound):
        return format_pounds(bound) if column.kind == "money" else f"{bound:,}"

    # Compared cell by cell in pandas' Cython loop (exact: ints and Decimals, never float).
    def below() -> pd.Series:
        return present & (values.where(present, low) < low)

    def above() -> pd.Series:
        return present & (values.where(present, high) > high)

    if column.min_value is not None and column.max_value is not None:
        return [(below() | above(), f"must be between {shown(low)} and {shown(high)}")]
    masks = []
    if low is not None:
        masks.append((below(), "must not be negative" if low == 0 else
                      f"must be at least {shown(low)}"))
    if high is not None:
        masks.append((above(), f"must be at most {shown(high)}"))
    return masks

