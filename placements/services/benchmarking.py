"""Writes of the benchmarking capability: the council's comparator group."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from placements.models import ComparatorMember

MAX_COMPARATORS = 20


@transaction.atomic
def comparator_group_set(*, area_codes: list[str], user) -> list[ComparatorMember]:
    """Replace the comparator group (empty: back to the statistical neighbours)."""
    from placements.selectors.benchmarking import la_choices

    known = dict(la_choices())
    codes = list(dict.fromkeys(area_codes))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"area_codes": f"Not local authorities in the published figures: {', '.join(unknown)}."}
        )
    if settings.COUNCIL_LA_CODE in codes:
        raise ValidationError({"area_codes": "The council itself cannot be its own comparator."})
    if len(codes) > MAX_COMPARATORS:
        raise ValidationError(
            {"area_codes": f"Choose at most {MAX_COMPARATORS} comparators ({len(codes)} chosen)."}
        )
    ComparatorMember.objects.all().delete()
    members = []
    for rank, code in enumerate(codes, start=1):
        member = ComparatorMember(area_code=code, area_name=known[code], rank=rank,
                                  created_by=user, updated_by=user)
        member.full_clean()
        member.save()
        members.append(member)
    return members
