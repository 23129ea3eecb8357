"""Reads of the published statistics: the council, its comparator group, region and England.

The council is `settings.COUNCIL_LA_CODE`. Its comparator group is what a programme manager set
(ComparatorMember), else its statistical neighbours as imported, matched to the release's
authorities by a normalised name; names that match nothing are reported, never guessed.
Every read is a fixed number of queries whatever the years and authorities.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F

from placements.benchmarks import (
    ATTRIBUTION,
    BOARD_MEASURES,
    LOCAL,
    MEASURES,
    REGIONAL,
    Measure,
    normalised_name,
    period_label,
)
from placements.models import (
    ComparatorMember,
    PublishedFigure,
    PublishedRelease,
    StatisticalNeighbour,
)
from send_tracker.dataversion import cached_selector

ENGLAND = "E92000001"
TWO_DP = Decimal("0.01")
ONE_DP = Decimal("0.1")


def _areas() -> dict[str, dict[str, str]]:
    """Every local authority and region in the published figures: code → latest name, region."""
    rows = (
        PublishedFigure.objects.filter(geographic_level__in=[LOCAL, REGIONAL])
        .order_by("area_code", "-time_period")
        .distinct("area_code")
        .values_list("area_code", "area_name", "region_code", "geographic_level", "time_period")
    )
    return {
        code: {"code": code, "name": name, "region_code": region, "level": level,
               "latest": _period_key(period)}
        for code, name, region, level, period in rows
    }


def _by_name(areas: dict[str, dict]) -> dict[str, dict]:
    """Local authorities by normalised name; where two codes share a name (an authority
    reorganised under its old name: Dorset, Buckinghamshire), the one published latest."""
    by_name: dict[str, dict] = {}
    for area in sorted(areas.values(), key=lambda a: a["latest"]):
        if area["level"] == LOCAL:
            by_name[normalised_name(area["name"])] = area
    return by_name


def la_choices() -> list[tuple[str, str]]:
    """(code, name) of every local authority in the published figures, by name."""
    areas = _areas()
    return sorted(
        ((c, a["name"]) for c, a in areas.items() if a["level"] == LOCAL), key=lambda x: x[1]
    )


@cached_selector
def _comparator_group(council_code: str) -> dict[str, Any]:
    areas = _areas()
    council = areas.get(council_code, {"code": council_code, "name": council_code,
                                       "region_code": "", "level": LOCAL})
    region = areas.get(council["region_code"]) if council["region_code"] else None
    by_name = _by_name(areas)
    edited = list(ComparatorMember.objects.values("area_code", "area_name", "rank"))
    unmatched: list[str] = []
    members: list[dict[str, Any]] = []
    if edited:
        source = "set by the programme office"
        for row in edited:
            name = areas.get(row["area_code"], {}).get("name", row["area_name"])
            members.append({"code": row["area_code"], "name": name, "rank": row["rank"]})
    else:
        source = "statistical neighbours"
        council_key = normalised_name(council["name"])
        rows = [
            r for r in StatisticalNeighbour.objects.order_by("rank").values_list(
                "la_name", "rank", "neighbour_name")
            if normalised_name(r[0]) == council_key
        ]
        if not rows and council_code in areas and StatisticalNeighbour.objects.exists():
            unmatched.append(council["name"])  # the council itself is not in the table
        for _la, rank, name in rows:
            area = by_name.get(normalised_name(name))
            if area is None:
                unmatched.append(name)
            else:
                members.append({"code": area["code"], "name": area["name"], "rank": rank})
    return {
        "council": council,
        "region": region,
        "members": members,
        "unmatched": unmatched,
        "source": source,
    }


def comparator_group() -> dict[str, Any]:
    """The council, its region and its comparators (code, name, rank), with unmatched names."""
    return _comparator_group(settings.COUNCIL_LA_CODE)


def _quartiles(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return (Decimal(q1).quantize(TWO_DP), Decimal(median).quantize(TWO_DP),
            Decimal(q3).quantize(TWO_DP))


def _ranked(measure: Measure, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries with a value, best first (or highest first when neither way is better)."""
    present = [e for e in entries if e["value"] is not None]
    return sorted(present, key=lambda e: e["value"], reverse=measure.direction != "lower")


def _own(measure: Measure, own: dict[str, dict], latest: str | None) -> dict[str, Any]:
    series = own.get(measure.code) or {}
    later = sorted(p for p in series if latest is None or _period_key(p) > _period_key(latest))
    return {
        "latest": Decimal(series[latest]) if latest and series.get(latest) is not None else None,
        "unpublished": [
            {"time_period": p, "label": period_label(p), "value": Decimal(series[p])}
            for p in later if series[p] is not None
        ],
    }


def _period_key(time_period: str) -> int:
    """Periods in time order: January 2025 (202425) after calendar 2024."""
    return int(time_period[:4]) * 10 + (5 if len(time_period) == 6 else 0)


def _own_figures() -> dict[str, dict]:
    from placements.selectors.own_figures import council_own_figures

    return council_own_figures()


@cached_selector(share=True)  # once per data version: frozen, shared, no copy per request
def _benchmarks(council_code: str) -> dict[str, Any]:
    """The figures of the council, its comparators, region and England."""
    group = _comparator_group.uncached(council_code)  # type: ignore[attr-defined]
    council, region = group["council"], group["region"]
    member_codes = [m["code"] for m in group["members"]]
    names = {m["code"]: m["name"] for m in group["members"]}
    names[council["code"]] = council["name"]
    codes = [council["code"], ENGLAND, *member_codes]
    if region:
        codes.append(region["code"])
    rows = (
        PublishedFigure.objects.filter(area_code__in=codes)
        .annotate(release_year=F("release__reporting_year"))
        .values_list("measure", "time_period", "area_code", "value", "release_year")
    )
    data: dict[str, dict[str, dict[str, tuple]]] = {}
    counts = {m.code for m in MEASURES if not m.is_percent}
    for code, period, area, value, release_year in rows:
        if value is not None:  # as published: counts whole, percentages to one place
            value = int(value) if code in counts else value.quantize(ONE_DP)
        data.setdefault(code, {}).setdefault(period, {})[area] = (value, release_year)
    releases = list(PublishedRelease.objects.values("reporting_year", "title"))
    return {
        "group": group,
        "names": names,
        "data": data,
        "releases": releases,
        "region_code": region["code"] if region else None,
    }


@cached_selector(share=True)  # once per data version: frozen, shared, no copy per request
def _core(council_code: str) -> dict[str, Any]:
    """Per measure: the five series over every period and the latest ranking (no own figures)."""
    raw = _benchmarks(council_code)
    group, names, data = raw["group"], raw["names"], raw["data"]
    member_codes = [m["code"] for m in group["members"]]
    measures = []
    for measure in MEASURES:
        by_period = data.get(measure.code, {})
        periods = sorted(by_period, key=_period_key)
        series = []
        for period in periods:
            cells = by_period[period]
            member_values = [cells[c][0] for c in member_codes
                             if c in cells and cells[c][0] is not None]
            quart = _quartiles(member_values)
            council = cells.get(council_code, (None, None))
            series.append({
                "time_period": period,
                "label": period_label(period),
                "council": council[0],
                "release": council[1],
                "q1": quart[0] if quart else None,
                "median": quart[1] if quart else None,
                "q3": quart[2] if quart else None,
                "region": cells.get(raw["region_code"], (None, None))[0],
                "england": cells.get(ENGLAND, (None, None))[0],
                "comparators": len(member_values),
            })
        latest = periods[-1] if periods else None
        ranking, rank, change = [], None, None
        if latest:
            cells = by_period[latest]
            entries = [
                {"code": c, "name": names.get(c, c), "value": cells.get(c, (None, None))[0],
                 "is_council": c == council_code}
                for c in [council_code, *member_codes]
            ]
            ranking = _ranked(measure, entries)
            for position, entry in enumerate(ranking, start=1):
                entry["rank"] = position
                if entry["is_council"]:
                    rank = position
            if len(series) > 1 and series[-1]["council"] is not None \
                    and series[-2]["council"] is not None:
                change = series[-1]["council"] - series[-2]["council"]
        measures.append({
            "measure": measure,
            "series": series,
            "latest": latest,
            "latest_label": period_label(latest) if latest else "",
            "value": series[-1]["council"] if series else None,
            "release": series[-1]["release"] if series else None,
            "rank": rank,
            "ranked_of": len(ranking),
            "change": change,
            "ranking": ranking,
        })
    return {"group": group, "measures": measures, "releases": raw["releases"]}


def benchmark_core() -> dict[str, Any]:
    """The published side of the page (frozen: shared between requests)."""
    return _core(settings.COUNCIL_LA_CODE)


@cached_selector(share=True)  # once per data version: frozen, shared, no copy per request
def benchmark_overview(*, own: dict[str, dict] | None = None) -> dict[str, Any]:
    """Per measure: the five series, the latest ranking and the summary, with the council's own
    figure from its records for the latest period and its points not yet published."""
    core = benchmark_core()
    own = _own_figures() if own is None else own
    measures = []
    for item in core["measures"]:
        own_figures = _own(item["measure"], own, item["latest"])
        value = item["value"]
        difference = (
            own_figures["latest"] - value
            if own_figures["latest"] is not None and value is not None else None
        )
        measures.append({**item, "own": own_figures["latest"], "own_difference": difference,
                         "unpublished": own_figures["unpublished"]})
    return {"group": core["group"], "measures": measures, "releases": core["releases"]}


def benchmark_board_panel() -> dict[str, Any]:
    """The board summary's panel: the council's rank among its comparators on three measures."""
    overview = benchmark_overview(own={})
    by_code = {m["measure"].code: m for m in overview["measures"]}
    releases = overview["releases"]
    rows = []
    for code in BOARD_MEASURES:
        item = by_code[code]
        rows.append({
            "code": code,
            "name": item["measure"].name,
            "period": item["latest"],
            "period_label": item["latest_label"],
            "value": item["value"],
            "unit": item["measure"].unit,
            "rank": item["rank"],
            "of": item["ranked_of"],
            "direction": item["measure"].direction_words,
            "release": item["release"],
        })
    return {
        "attribution": ATTRIBUTION,
        "council": overview["group"]["council"]["name"],
        "release": (
            f"{releases[0]['title']} {releases[0]['reporting_year']}" if releases else None
        ),
        "rows": rows,
    }


def benchmark_api(*, measure: Measure, time_period: str | None) -> dict[str, Any]:
    """The council, each comparator, their median, region and England, per period (API)."""
    raw = _benchmarks(settings.COUNCIL_LA_CODE)
    group, names = raw["group"], raw["names"]
    by_period = raw["data"].get(measure.code, {})
    periods = sorted(by_period, key=_period_key)
    if time_period is not None:
        periods = [p for p in periods if p == time_period]

    def figure(cells: dict, code: str | None, name: str) -> dict[str, Any]:
        value, release = cells.get(code, (None, None)) if code else (None, None)
        return {"code": code, "name": name, "value": value, "release": release}

    out = []
    for period in periods:
        cells = by_period[period]
        comparators = [figure(cells, m["code"], m["name"]) for m in group["members"]]
        quart = _quartiles([c["value"] for c in comparators if c["value"] is not None])
        region = group["region"]
        out.append({
            "time_period": period,
            "label": period_label(period),
            "council": figure(cells, group["council"]["code"], group["council"]["name"]),
            "comparators": comparators,
            "median": quart[1] if quart else None,
            "region": figure(cells, region["code"] if region else None,
                             region["name"] if region else ""),
            "england": figure(cells, ENGLAND, "England"),
        })
    return {"measure": measure.code, "unit": measure.unit, "periods": out, "names": names}
