"""Imports of the DfE's published EHC plan statistics and of the statistical neighbours table.

Both go through send_tracker.imports (all-or-nothing, an import record, Celery for large files).
The release comes as the zip the DfE's "Download all data" gives, or as its CSV files one by one;
only the files and columns in placements.benchmarks.FILES are read. Cells `x`, `c`, `z` and blank
mean "no figure" and are stored as null, never zero.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
from django.db import connection

from placements.benchmarks import (
    FILES,
    KEY_COLUMNS,
    LEVELS,
    LOCAL,
    MEASURES,
    NATIONAL,
    REGIONAL,
    RELEASE_TITLE,
    previous_period,
    reporting_year,
)
from placements.models import PublishedFigure, PublishedRelease, StatisticalNeighbour
from send_tracker.imports import (
    Column,
    FileRejected,
    ImportFormat,
    Problems,
    WriteResult,
    read_table,
    register,
    upsert,
)

NO_FIGURE = {"", "x", "c", "z"}
# Needed members of a release zip may expand to at most this (a "zip bomb" is refused).
MAX_RELEASE_BYTES = 200 * 1024 * 1024
_NUMBER = r"^-?[0-9]+(?:\.[0-9]+)?$"
_PERIOD = r"^[0-9]{4}(?:[0-9]{2})?$"
ONE_DP = Decimal("0.1")


def _release_members(data: bytes, file_name: str) -> dict[str, bytes]:
    """The needed CSV files of an upload (a release zip, or one of its CSVs), by file name."""
    if file_name.lower().endswith(".csv"):
        name = PurePosixPath(file_name).name.lower()
        if name not in FILES:
            raise FileRejected(
                f"'{file_name}' is not one of the release files the tracker reads. Expected the "
                f"release zip or one of: {', '.join(FILES)}."
            )
        return {name: data}
    if not file_name.lower().endswith(".zip"):
        raise FileRejected(
            f"'{file_name}' is not a release zip or CSV. Upload the DfE's 'Download all data' "
            "zip, or one of its CSV files."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"'{file_name}' is named .zip but is not a zip file.") from exc
    with archive:
        found = {PurePosixPath(i.filename).name.lower(): i for i in archive.infolist()
                 if i.filename.lower().endswith(".csv")}
        missing = [name for name in FILES if name not in found]
        if missing:
            raise FileRejected(
                f"The release lacks {', '.join(missing)}. Expected: {', '.join(FILES)}. "
                f"Found: {', '.join(sorted(found)) or 'no CSV files'}. Nothing was imported."
            )
        if sum(found[name].file_size for name in FILES) > MAX_RELEASE_BYTES:
            raise FileRejected("The release's files expand to more than 200 MB: not imported.")
        return {name: archive.read(found[name]) for name in FILES}


def _long_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One file's headline rows as (file, row, period, level, area, column, value) text."""
    topic, value_columns = FILES[name]
    frame = frame.reset_index(drop=True)
    frame["_row"] = frame.index + 2  # the header is row 1, as Excel numbers it
    frame = frame[frame["breakdown_topic"].str.strip() == topic]
    frame = frame[frame["geographic_level"].str.strip().isin(LEVELS)]
    if frame.empty:
        raise FileRejected(
            f"{name} has no rows with breakdown_topic '{topic}' at national, regional or local "
            "authority level: is it from the EHC plans release?"
        )
    level = frame["geographic_level"].str.strip()
    conditions = [level == NATIONAL, level == REGIONAL, level == LOCAL]
    area_code = np.select(
        conditions, [frame["country_code"], frame["region_code"], frame["new_la_code"]], ""
    )
    area_name = np.select(
        conditions, [frame["country_name"], frame["region_name"], frame["la_name"]], ""
    )
    base = pd.DataFrame(
        {
            "file": name,
            "row": frame["_row"].astype(str),
            "time_period": frame["time_period"],
            "geographic_level": level,
            "area_code": area_code,
            "area_name": area_name,
            "region_code": np.where(level == LOCAL, frame["region_code"], ""),
        }
    )
    parts = [base.assign(column=column, value=frame[column]) for column in value_columns]
    return pd.concat(parts, ignore_index=True)


@register
class PublishedStatisticsFormat(ImportFormat):
    kind = "ehcp_statistics"
    label = "Published EHC plan statistics (DfE)"
    capability = "import_statistics"
    description = (
        "The Department for Education's 'Education, health and care plans' release: the "
        "'Download all data' zip as downloaded, or its CSV files one by one. Only the files "
        f"and columns the benchmarking measures need are read ({', '.join(FILES)})."
    )
    columns = [
        Column("file", "text"),
        Column("row", "int"),
        Column("time_period", "text"),
        Column("geographic_level", "text"),
        Column("area_code", "text"),
        Column("area_name", "text", required=False),
        Column("region_code", "text", required=False),
        Column("column", "text"),
        Column("value", "text", required=False),
    ]

    def read(self, data: bytes, file_name: str) -> pd.DataFrame:
        """The needed files' headline rows, one row per (row, needed column)."""
        members = _release_members(data, file_name)
        frames, missing = [], []
        for name, content in members.items():
            table = read_table(content, name)
            needed = [*KEY_COLUMNS, *FILES[name][1]]
            absent = [c for c in needed if c not in table.columns]
            if absent:
                missing.append(
                    f"{name} lacks {', '.join(absent)} (found: {', '.join(table.columns)})"
                )
                continue
            frames.append(_long_frame(name, table))
        if missing:
            raise FileRejected(
                "The release is missing columns the measures need: " + "; ".join(missing)
                + ". Nothing was imported."
            )
        return pd.concat(frames, ignore_index=True)

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        where = df["file"] + ": " + df["column"]
        value = df["value"].fillna("").str.strip().str.lower()
        bad_value = ~value.isin(NO_FIGURE) & ~value.str.fullmatch(_NUMBER).fillna(False)
        bad_period = ~df["time_period"].str.fullmatch(_PERIOD).fillna(False)
        dupes = df.duplicated(["file", "time_period", "area_code", "column"], keep="first")
        for mask, shown, reason in (
            (bad_value, df["value"], "is not a number, nor x, c, z or blank (no figure)"),
            (bad_period, df["time_period"], "is not a period as the release codes them "
             "(2024 or 202425)"),
            (dupes, df["area_code"], "appears twice for this period and area"),
        ):
            for index in df.index[mask.to_numpy()][:1000]:
                problems.add(
                    row=int(df.loc[index, "row"]), column=where[index],
                    value=shown[index], reason=reason,
                )

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        year = reporting_year(df["time_period"].unique().tolist())
        release, _ = PublishedRelease.objects.get_or_create(
            reporting_year=year,
            defaults={"title": RELEASE_TITLE, "import_record": self.record,
                      "created_by": user, "updated_by": user},
        )
        figures = _measure_rows(df)
        figures["release_id"] = release.pk
        figures = _not_older_than_stored(figures, year)
        result = upsert(
            PublishedFigure, figures,
            key=["measure", "time_period", "area_code"],
            fields={c: c for c in ("measure", "time_period", "area_code", "geographic_level",
                                   "area_name", "region_code", "value", "release_id")},
            user=user,
        )
        if (result.created or result.updated) and release.import_record_id != getattr(
            self.record, "pk", None
        ):
            release.import_record, release.updated_by = self.record, user
            release.save(update_fields=["import_record", "updated_by", "updated_at"])
        from placements.selectors.benchmarking import comparator_group

        unmatched = comparator_group()["unmatched"]
        if unmatched:
            result.warnings.append(
                "Statistical neighbours not found in the release by name: "
                + ", ".join(unmatched) + "."
            )
        return result


def _number(text: str | None) -> Decimal | None:
    text = (text or "").strip()
    return None if text.lower() in NO_FIGURE else Decimal(text)


def _share(parts: list[Decimal | None], whole: Decimal | None) -> Decimal | None:
    if whole is None or whole == 0 or any(p is None for p in parts):
        return None
    return (sum(parts) * 100 / whole).quantize(ONE_DP)


def _measure_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The measures' values by (measure, period, area), from the long frame of cells."""
    cells: dict[tuple[str, str, str], dict[str, Decimal | None]] = {}
    areas: dict[str, tuple[str, str, str]] = {}
    for file, period, level, code, name, region, column, value in df[
        ["file", "time_period", "geographic_level", "area_code", "area_name", "region_code",
         "column", "value"]
    ].itertuples(index=False, name=None):
        cells.setdefault((file, period, code), {})[column] = _number(value)
        areas[code] = (level, name or "", region or "")
    rows = []
    for measure in MEASURES:
        for (file, period, code), values in cells.items():
            if file != measure.file:
                continue
            cols = measure.columns
            if measure.method == "column":
                value = values.get(cols[0])
            elif measure.method == "share":
                value = _share([values.get(c) for c in cols[1:]], values.get(cols[0]))
            elif measure.method == "pct_or_share":
                value = values.get(cols[0])
                if value is None:
                    value = _share([values.get(cols[1])], values.get(cols[2]))
            else:  # growth on the year before, within this upload
                before = cells.get((file, previous_period(period), code), {}).get(cols[0])
                now = values.get(cols[0])
                value = None if now is None else _share([now - before], before) if before else None
            level, name, region = areas[code]
            rows.append((measure.code, period, code, level, name, region, value))
    return pd.DataFrame(
        rows,
        columns=["measure", "time_period", "area_code", "geographic_level", "area_name",
                 "region_code", "value"],
    )


def _not_older_than_stored(figures: pd.DataFrame, year: int) -> pd.DataFrame:
    """Leave out figures a newer release has already revised (importing an old release late)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.measure, f.time_period, f.area_code FROM placements_publishedfigure f "
            "JOIN placements_publishedrelease r ON r.id = f.release_id WHERE r.reporting_year > %s",
            [year],
        )
        newer = cursor.fetchall()
    if not newer:
        return figures
    keys = pd.MultiIndex.from_tuples(newer)
    mine = pd.MultiIndex.from_frame(figures[["measure", "time_period", "area_code"]])
    return figures[~mine.isin(keys)]


@register
class StatisticalNeighboursFormat(ImportFormat):
    kind = "statistical_neighbours"
    label = "Statistical neighbours (DfE)"
    capability = "import_statistics"
    description = (
        "The DfE's children's services statistical neighbours: a header row naming every local "
        "authority, and under each name its ten nearest neighbours, closest first."
    )
    columns = [
        Column("la_name", "text"),
        Column("rank", "int", min_value=1, max_value=50),
        Column("neighbour_name", "text"),
    ]

    def read(self, data: bytes, file_name: str) -> pd.DataFrame:
        table = read_table(data, file_name)
        long = table.reset_index(drop=True).melt(var_name="la_name", value_name="neighbour_name",
                                                  ignore_index=False)
        long["rank"] = (long.index + 1).astype(str)
        long = long[long["neighbour_name"].str.strip() != ""]
        if long.empty:
            raise FileRejected(f"'{file_name}' names no neighbours under its header row.")
        return long[["la_name", "rank", "neighbour_name"]].reset_index(drop=True)

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        result = upsert(StatisticalNeighbour, df[["la_name", "rank", "neighbour_name"]],
                        key=["la_name", "rank"], user=user)
        from placements.selectors.benchmarking import comparator_group

        unmatched = comparator_group()["unmatched"]
        if unmatched:
            result.warnings.append(
                "Statistical neighbours not found in the published statistics by name: "
                + ", ".join(unmatched) + "."
            )
        return result
