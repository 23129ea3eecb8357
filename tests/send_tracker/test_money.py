"""Money formatting, worked by hand: pence in, pounds as a council report writes them."""

from decimal import Decimal

import pytest

from send_tracker.money import (
    MAX_AMOUNT_PENCE,
    format_change,
    format_millions,
    format_money,
    format_pounds,
    round_half_up,
    to_pence,
)


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (1_540_000_000, "£15.4m"),
        (1_100_000_000, "£11.0m"),
        (14_000_000, "£140,000"),
        (66_600, "£666"),
        (0, "£0"),
        (-250_000_000, "-£2.5m"),
        (100_000_000, "£1.0m"),
        (99_999_999, "£1,000,000"),  # £999,999.99 rounds half-up to the pound
        (1_545_000_000, "£15.5m"),  # 15.45 → 15.5: half-up, not banker's
        (1_535_000_000, "£15.4m"),  # 15.35 → 15.4
    ],
)
def test_format_money(pence, text):
    assert format_money(pence) == text


def test_format_money_rounds_half_away_from_zero_for_negatives():
    assert format_money(-1_545_000_000) == "-£15.5m"


def test_format_pounds_with_and_without_pence():
    assert format_pounds(123_456) == "£1,235"
    assert format_pounds(123_456, places=2) == "£1,234.56"
    assert format_pounds(-50) == "-£1"
    assert format_pounds(None) == "–"


def test_to_pence_is_exact_and_half_up():
    assert to_pence("1234.50") == 123_450
    assert to_pence(Decimal("0.005")) == 1
    assert to_pence(Decimal("-0.005")) == -1
    assert to_pence("0.1") + to_pence("0.2") == to_pence("0.3")


def test_round_half_up():
    assert round_half_up(Decimal("2.5")) == Decimal("3")
    assert round_half_up(Decimal("-2.5")) == Decimal("-3")
    assert round_half_up(Decimal("2.45"), 1) == Decimal("2.5")


def test_format_change_says_the_direction_in_words():
    assert format_change(120_000_000) == "up £1.2m"
    assert format_change(-30_000_000) == "down £300,000"
    assert format_change(0) == "no change"


def test_a_million_is_the_boundary_of_the_short_form():
    assert format_money(99_999_999) == "£1,000,000"
    assert format_money(-100_000_000) == "-£1.0m"
    assert format_money(-99_999_999) == "-£1,000,000"


def test_missing_figures_show_as_a_dash():
    assert format_money(None) == "–"
    assert format_change(None) == "–"
    assert format_pounds(None, places=2) == "–"


def test_pence_halves_round_up_when_shown_in_pounds():
    assert format_pounds(50) == "£1"
    assert format_pounds(49) == "£0"
    assert format_pounds(-50) == "-£1"


def test_fractional_decimal_pence_round_half_up_when_shown():
    assert format_pounds(Decimal("149.5"), places=2) == "£1.50"


@pytest.mark.parametrize(("pence", "text"), [
    (80_000_000, "£0.8m"), (440_000_000, "£4.4m"), (-500_000_000, "-£5.0m"), (0, "£0.0m"),
    (-1_000_000, "£0.0m"), (15_540_000_000, "£155.4m"), (None, "–"),
])
def test_format_millions_keeps_one_unit_whatever_the_size(pence, text):
    assert format_millions(pence) == text


def test_to_pounds_is_exact_and_keeps_pence_digits_when_asked():
    from send_tracker.money import to_pounds

    assert to_pounds(8_500_050) == Decimal("85000.5")
    assert str(to_pounds(8_500_050, places=2)) == "85000.50"
    assert str(to_pounds(-1, places=2)) == "-0.01"
    assert to_pounds(None) is None


def test_plotted_money_is_whole_pounds_or_millions():
    from send_tracker.money import to_millions, to_whole_pounds

    assert to_whole_pounds(8_500_050) == 85_001  # half-up, not banker's
    assert to_whole_pounds(-150) == -2
    assert to_millions(154_000_000) == 1.54
    assert to_millions(None) is None


@pytest.mark.parametrize(("text", "pence"), [("£85,000", 8_500_000), ("85000.5", 8_500_050),
                                             (" 0.01 ", 1)])
def test_parse_pounds_reads_what_people_type(text, pence):
    from send_tracker.money import parse_pounds

    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5"])
def test_parse_pounds_refuses_what_is_not_an_amount_with_a_plain_message(text):
    from send_tracker.money import parse_pounds

    with pytest.raises(ValueError, match="Enter an amount in pounds"):
        parse_pounds(text)


def test_a_form_shows_pence_as_pounds_and_pence_without_symbols():
    from send_tracker.money import pounds_input

    assert pounds_input(12_345_678) == "123456.78"
    assert pounds_input(-5_000) == "-50.00"
    assert pounds_input(None) == ""


def test_whole_pence_are_shown_as_the_exact_decimal_rounding_would_show_them():
    """format_money and format_pounds take whole pence by integer arithmetic: every boundary
    of rounding and of the £1m short form, either sign, agrees with the Decimal path."""
    import random

    edges = [0, 1, 49, 50, 51, 99, 100, 149, 150, 99_999_949, 99_999_950, 99_999_999,
             100_000_000, 104_999_999, 105_000_000, 994_999_999, 995_000_000, 999_950_000,
             123_456_789_012, MAX_AMOUNT_PENCE]
    rng = random.Random(11)
    values = edges + [rng.randrange(0, 10 ** rng.randrange(1, 13)) for _ in range(5_000)]
    for pence in values + [-v for v in values]:
        assert format_money(pence) == format_money(Decimal(pence)), pence
        assert format_pounds(pence) == format_pounds(Decimal(pence)), pence
    assert format_money(-105_000_000) == "-£1.1m"
    assert format_money(99_999_950) == "£1,000,000"  # below £1m in pence: whole pounds
