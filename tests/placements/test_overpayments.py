"""Each overpayment rule worked by hand; a second scan adds no flags; reviews and totals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from placements import selectors
from placements.models import OverpaymentFlag
from placements.services import overpayment_flag_review, overpayment_scan
from placements.tasks import scan_overpayments
from tests.placements import builders as b

D = dt.date
pytestmark = pytest.mark.django_db


def flags() -> dict[tuple[str, str], int]:
    return {(f.invoice.ref, f.rule): f.amount_pence
            for f in OverpaymentFlag.objects.select_related("invoice")}


def test_it_flags_payments_for_days_after_the_placement_ended():
    placement = b.placement(of=b.child(), start=D(2023, 9, 1), end=D(2024, 4, 15),
                            cost_pence=1_200_000)
    b.invoice(for_=placement, ref="APR", start=D(2024, 4, 1), end=D(2024, 4, 30),
              amount_pence=100_000, paid=D(2024, 5, 10))
    b.invoice(for_=placement, ref="MAY", start=D(2024, 5, 1), end=D(2024, 5, 31),
              amount_pence=100_000, paid=D(2024, 6, 10))
    b.invoice(for_=placement, ref="JUN-UNPAID", start=D(2024, 6, 1), end=D(2024, 6, 30),
              amount_pence=100_000)
    same_end = b.placement(of=b.child(), start=D(2023, 9, 1), end=D(2024, 4, 15),
                           cost_pence=1_200_000)
    b.invoice(for_=same_end, ref="TO-END", start=D(2024, 3, 16), end=D(2024, 4, 15),
              amount_pence=100_000, paid=D(2024, 5, 1))

    overpayment_scan()

    # April: 15 of its 30 days fall after the end; May: all of it; unpaid ones are not flagged.
    assert flags() == {("APR", "after_end"): 50_000, ("MAY", "after_end"): 100_000}


def test_it_flags_the_later_of_overlapping_invoices_once():
    placement = b.placement(of=b.child(), start=D(2023, 9, 1), cost_pence=1_200_000)
    other = b.placement(of=b.child(), at=placement.provider, start=D(2023, 9, 1),
                        cost_pence=1_200_000)
    b.invoice(for_=placement, ref="A",
              start=D(2024, 4, 1), end=D(2024, 4, 30), amount_pence=100_000)
    b.invoice(for_=placement, ref="B",
              start=D(2024, 4, 1), end=D(2024, 4, 30), amount_pence=100_000)
    b.invoice(for_=placement, ref="C",
              start=D(2024, 4, 16), end=D(2024, 5, 15), amount_pence=99_000)
    b.invoice(for_=placement, ref="D", start=D(2024, 5, 16), end=D(2024, 6, 15), amount_pence=1)
    b.invoice(for_=other, ref="E", start=D(2024, 4, 1), end=D(2024, 4, 30), amount_pence=100_000)

    overpayment_scan()

    # C overlaps both A and B but is flagged once; D starts the day after C ends.
    assert flags() == {("B", "duplicate"): 100_000, ("C", "duplicate"): 99_000}


def test_it_flags_amounts_above_the_cost_for_the_period_beyond_the_tolerance():
    placement = b.placement(of=b.child(), start=D(2023, 9, 1), cost_pence=1_200_000)  # £12,000
    # A calendar month is a twelfth: £1,000. Tolerance is the larger of 2% (£20) and £50.
    b.invoice(for_=placement, ref="AT-TOLERANCE", start=D(2024, 4, 1), end=D(2024, 4, 30),
              amount_pence=105_000)
    b.invoice(for_=placement, ref="PENNY-OVER", start=D(2024, 5, 1), end=D(2024, 5, 31),
              amount_pence=105_001)
    # February is a twelfth too, not 29/365 of the year.
    b.invoice(for_=placement, ref="FEB", start=D(2024, 2, 1), end=D(2024, 2, 29),
              amount_pence=100_000)
    # A quarter: £3,000; 2% is £60, above £50, so £3,060 passes and £3,060.01 does not.
    b.invoice(for_=placement, ref="Q-OK", start=D(2024, 7, 1), end=D(2024, 9, 30),
              amount_pence=306_000)
    b.invoice(for_=placement, ref="Q-OVER", start=D(2024, 10, 1), end=D(2024, 12, 31),
              amount_pence=306_001)
    # 1–15 January 2025 is 15 days: 1,200,000 × 15 / 365 = 49,315.07p, flagged above 54,315.07p.
    b.invoice(for_=placement, ref="DAYS", start=D(2025, 1, 1), end=D(2025, 1, 15),
              amount_pence=54_316)

    overpayment_scan()

    assert flags() == {
        ("PENNY-OVER", "above_rate"): 5_001,
        ("Q-OVER", "above_rate"): 6_001,
        ("DAYS", "above_rate"): 5_001,
    }


def test_a_second_scan_creates_no_duplicate_flags_and_keeps_reviews(finance_user):
    placement = b.placement(of=b.child(), start=D(2023, 9, 1), end=D(2024, 4, 30),
                            cost_pence=1_200_000)
    b.invoice(for_=placement, ref="A",
              start=D(2024, 5, 1), end=D(2024, 5, 31),
              amount_pence=100_000, paid=D(2024, 6, 1))
    b.invoice(for_=placement, ref="B",
              start=D(2024, 5, 1), end=D(2024, 5, 31),
              amount_pence=200_000, paid=D(2024, 6, 1))
    first = overpayment_scan()
    flag = OverpaymentFlag.objects.get(invoice__ref="A")
    overpayment_flag_review(flag=flag, status="recovered", note="Credit note CN-1",
                            user=finance_user)

    second = scan_overpayments()  # the Celery task, called as a function

    assert first.flags_created == {"after_end": 2, "duplicate": 1, "above_rate": 1}
    assert second == {"after_end": 0, "duplicate": 0, "above_rate": 0}
    assert OverpaymentFlag.objects.count() == 4
    assert OverpaymentFlag.objects.get(invoice__ref="A").status == "recovered"
    # B: after end 200,000 + duplicate 200,000 + above rate 200,000 − 100,000.
    assert selectors.overpayment_totals() == {
        "open": 500_000, "recovered": 100_000, "valid": 0, "written_off": 0,
    }


def test_a_review_needs_a_note_and_a_known_outcome(finance_user):
    placement = b.placement(of=b.child(), start=D(2023, 9, 1), end=D(2024, 4, 30),
                            cost_pence=1_200_000)
    b.invoice(for_=placement, start=D(2024, 5, 1), end=D(2024, 5, 31), amount_pence=100_000,
              paid=D(2024, 6, 1))
    overpayment_scan()
    flag = OverpaymentFlag.objects.get()

    with pytest.raises(ValidationError, match="note"):
        overpayment_flag_review(flag=flag, status="valid", note=" ", user=finance_user)
    with pytest.raises(ValidationError):
        overpayment_flag_review(flag=flag, status="paid", note="x", user=finance_user)
    overpayment_flag_review(flag=flag, status="written_off", note="Provider closed",
                            user=finance_user)
    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by) == ("written_off", finance_user)
    assert flag.history.get().note == "Provider closed"  # the review is kept in history
