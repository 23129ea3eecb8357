"""Loads provider, child, assessment, placement and invoice files through send_tracker.imports.

The machinery parses each column and reports every problem; these formats add the rules that
span columns or reach the database (a placement's child and provider must already exist), and
write with an upsert on the natural key, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from django.db import connection

from placements.codes import NCY_MAX, NCY_MIN, PRIMARY_NEED_CODES, PROVISION_TYPE_CODES
from placements.models import REF_PATTERN, REF_RULE, Assessment, Child, Invoice, Placement, Provider
from send_tracker.imports import Column, ImportFormat, Problems, WriteResult, register, upsert

_REF_PATTERN = REF_PATTERN  # placements.models: the one rule for every reference


def _check_refs(df: pd.DataFrame, column: str, problems: Problems) -> None:
    """The reference rule (placements.models.REF_PATTERN) on a column of new references."""
    refs = df[column].fillna("")
    problems.where((refs != "") & ~refs.str.match(_REF_PATTERN), column,
                   f"is not a pseudonymised reference ({REF_RULE})")


def _dates(series: pd.Series) -> pd.Series:
    """Dates as datetime64 (NaT where empty) so comparisons skip empty cells."""
    return pd.to_datetime(series, errors="coerce")


def _lookup(model, refs: pd.Series, *extra: str) -> pd.DataFrame:
    """id (and `extra` columns) by ref for the refs that exist, in one query.

    One array parameter (`ref = ANY(%s)`) instead of an IN list of tens of thousands of
    placeholders: a third of the time for the 25,000 placements of a county's invoice file.
    """
    wanted = [r for r in refs.dropna().unique().tolist() if r]
    columns = ["ref", "id", *extra]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table} WHERE ref = ANY(%s)", [wanted])  # noqa: S608
        rows = cursor.fetchall()
    return pd.DataFrame(rows, columns=columns).set_index("ref")


def _ids(model, refs: pd.Series) -> dict[str, int]:
    """ref → id for the refs that exist, in one query."""
    return _lookup(model, refs)["id"].to_dict()


def _map_ids(found: pd.DataFrame, refs: pd.Series, column: str = "id") -> pd.Series:
    """Each ref's id from a `_lookup` frame (vectorised), NA where the ref is unknown."""
    if found.empty:
        return pd.Series(pd.NA, index=refs.index, dtype="Int64")
    where = found.index.get_indexer(refs)
    ids = pd.array(found[column].to_numpy()[where], dtype="Int64")
    ids[where < 0] = pd.NA
    return pd.Series(ids, index=refs.index)


def _missing(refs: pd.Series, known: dict) -> pd.Series:
    return refs.notna() & (refs != "") & ~refs.isin(list(known))


def _after(later: str, earlier: str, df: pd.DataFrame, problems: Problems) -> None:
    problems.where(_dates(df[later]) < _dates(df[earlier]), later, f"is before {earlier}")


@register
class ProviderFormat(ImportFormat):
    kind = "providers"
    label = "Providers"
    description = "One row per school, college or other provider, keyed on provider_ref."
    columns = [
        Column("provider_ref", "text", unique=True, max_length=40),
        Column("name", "text", max_length=200),
        Column("urn", "text", required=False, max_length=20),
        Column("provision_type", "code", choices=PROVISION_TYPE_CODES),
        Column("in_county", "bool"),
        Column("places", "int", required=False, min_value=0),
    ]
    example = {
        "provider_ref": "PRV0042",
        "name": "Ashcombe Special School",
        "urn": "113570",
        "provision_type": "special_la_maintained",
        "in_county": "yes",
        "places": "120",
    }

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        """Upsert on provider_ref."""
        return upsert(
            Provider,
            df,
            key=["ref"],
            user=user,
            fields={
                "provider_ref": "ref",
                "name": "name",
                "urn": "urn",
                "provision_type": "provision_type",
                "in_county": "in_county",
                "places": "places",
            },
        )


@register
class ChildFormat(ImportFormat):
    kind = "children"
    label = "Children (pseudonymised)"
    description = (
        "One row per child or young person: a pseudonymised reference only, never a "
        "name or date of birth."
    )
    columns = [
        Column("child_ref", "text", unique=True, max_length=20),
        Column("ncy", "int", min_value=NCY_MIN, max_value=NCY_MAX),
        Column("primary_need", "code", choices=PRIMARY_NEED_CODES),
        Column("locality", "text", required=False, max_length=60),
    ]
    example = {"child_ref": "C000123", "ncy": "7", "primary_need": "ASD", "locality": "Coastal"}

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        """References must be pseudonyms (no spaces), which keeps names out."""
        refs = df["child_ref"].fillna("")
        problems.where(
            (refs != "") & ~refs.str.match(_REF_PATTERN),
            "child_ref",
            "is not a pseudonymised reference (letters and digits only, no names)",
        )

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        """Upsert on child_ref (upper case, as references are shown)."""
        frame = df.assign(child_ref=df["child_ref"].str.upper(), locality=df["locality"].fillna(""))
        return upsert(
            Child,
            frame,
            key=["ref"],
            user=user,
            fields={
                "child_ref": "ref",
                "ncy": "ncy",
                "primary_need": "primary_need",
                "locality": "locality",
            },
        )


@register
class AssessmentFormat(ImportFormat):
    kind = "assessments"
    label = "EHC needs assessments"
    description = (
        "One row per request for assessment, keyed on child_ref and request_date; "
        "final_plan_date is empty while the request is open."
    )
    columns = [
        Column("child_ref", "text", max_length=20),
        Column("request_date", "date"),
        Column("decision_date", "date", required=False),
        Column("final_plan_date", "date", required=False),
        Column("exception_20wk", "bool"),
    ]
    example = {
        "child_ref": "C000123",
        "request_date": "04/09/2023",
        "decision_date": "10/10/2023",
        "final_plan_date": "15/07/2024",
        "exception_20wk": "no",
    }

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        """The child exists; one row per child and request date; dates in order."""
        refs = df["child_ref"].str.upper()
        problems.where(
            _missing(refs, _ids(Child, refs)),
            "child_ref",
            "is not a child in the tracker (import the children file first)",
        )
        key = pd.DataFrame({"c": refs, "d": df["request_date"]})
        problems.where(
            key.notna().all(axis=1) & key.duplicated(keep=False),
            "request_date",
            "appears more than once for this child",
        )
        _after("decision_date", "request_date", df, problems)
        _after("final_plan_date", "request_date", df, problems)

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        """Upsert on (child, request_date)."""
        refs = df["child_ref"].str.upper()
        frame = df.assign(child_id=refs.map(_ids(Child, refs)))
        return upsert(
            Assessment,
            frame,
            key=["child_id", "request_date"],
            user=user,
            fields={
                "child_id": "child_id",
                "request_date": "request_date",
                "decision_date": "decision_date",
                "final_plan_date": "final_plan_date",
                "exception_20wk": "exception_20wk",
            },
        )


@register
class PlacementFormat(ImportFormat):
    kind = "placements"
    label = "Placements"
    cadence = "monthly"
    description = (
        "One row per placement, keyed on placement_ref: annual cost in pounds, health "
        "and social care contributions as percentages of it."
    )
    columns = [
        Column("placement_ref", "text", unique=True, max_length=40),
        Column("child_ref", "text", max_length=20),
        Column("provider_ref", "text", max_length=40),
        Column("provision_type", "code", choices=PROVISION_TYPE_CODES),
        Column("start_date", "date"),
        Column("end_date", "date", required=False),
        Column("annual_cost", "money", min_value=0),
        Column("health_pct", "pct", required=False),
        Column("social_care_pct", "pct", required=False),
    ]
    example = {
        "placement_ref": "PL0001234",
        "child_ref": "C000123",
        "provider_ref": "PRV0042",
        "provision_type": "special_independent",
        "start_date": "01/09/2024",
        "end_date": "",
        "annual_cost": "£64,500.00",
        "health_pct": "10",
        "social_care_pct": "15",
    }

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        """Child and provider exist; end not before start; contributions at most 100%."""
        _check_refs(df, "placement_ref", problems)
        children = df["child_ref"].str.upper()
        problems.where(
            _missing(children, _ids(Child, children)),
            "child_ref",
            "is not a child in the tracker (import the children file first)",
        )
        problems.where(
            _missing(df["provider_ref"], _ids(Provider, df["provider_ref"])),
            "provider_ref",
            "is not a provider in the tracker",
        )
        _after("end_date", "start_date", df, problems)
        shares = _pct(df["health_pct"]) + _pct(df["social_care_pct"])
        problems.where(
            shares > 100, "social_care_pct", "makes health_pct + social_care_pct more than 100"
        )

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        """Upsert on placement_ref; a placement with an end date is ended."""
        children = df["child_ref"].str.upper()
        frame = df.assign(
            child_id=children.map(_ids(Child, children)),
            provider_id=df["provider_ref"].map(_ids(Provider, df["provider_ref"])),
            health_pct=df["health_pct"].map(lambda v: Decimal(0) if v is None else v),
            social_care_pct=df["social_care_pct"].map(lambda v: Decimal(0) if v is None else v),
            status=df["end_date"]
            .map(lambda v: Placement.Status.ACTIVE if v is None else Placement.Status.ENDED)
            .astype(str),
        )
        return upsert(
            Placement,
            frame,
            key=["ref"],
            user=user,
            fields={
                "placement_ref": "ref",
                "child_id": "child_id",
                "provider_id": "provider_id",
                "provision_type": "provision_type",
                "start_date": "start_date",
                "end_date": "end_date",
                "annual_cost": "annual_cost_pence",
                "health_pct": "health_pct",
                "social_care_pct": "social_care_pct",
                "status": "status",
            },
        )


def _pct(series: pd.Series) -> pd.Series:
    """Percentages as exact Decimals, empty as 0, bad cells (already reported) as 0."""
    return series.map(lambda v: v if isinstance(v, Decimal) else Decimal(0))


@register
class InvoiceFormat(ImportFormat):
    kind = "invoices"
    label = "Invoices"
    cadence = "monthly"
    description = (
        "One row per invoice, keyed on invoice_ref: the provider, the placement, the "
        "service period, the amount in pounds and the date paid (empty if unpaid)."
    )
    columns = [
        Column("invoice_ref", "text", unique=True, max_length=40),
        Column("provider_ref", "text", max_length=40),
        Column("placement_ref", "text", max_length=40),
        Column("period_start", "date"),
        Column("period_end", "date"),
        Column("amount", "money", min_value=0),
        Column("paid_date", "date", required=False),
    ]
    example = {
        "invoice_ref": "INV00012345",
        "provider_ref": "PRV0042",
        "placement_ref": "PL0001234",
        "period_start": "01/09/2024",
        "period_end": "30/09/2024",
        "amount": "£5,375.00",
        "paid_date": "14/10/2024",
    }

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        """Provider and placement exist and belong together; the period runs forwards."""
        _check_refs(df, "invoice_ref", problems)
        providers = _lookup(Provider, df["provider_ref"])
        placements = _lookup(Placement, df["placement_ref"], "provider_id")
        given = _map_ids(providers, df["provider_ref"])
        placement_ids = _map_ids(placements, df["placement_ref"])
        placed_with = _map_ids(placements, df["placement_ref"], "provider_id")
        refs_given = df["provider_ref"].notna() & (df["provider_ref"] != "")
        problems.where(
            refs_given & given.isna(), "provider_ref", "is not a provider in the tracker"
        )
        problems.where(
            df["placement_ref"].notna() & (df["placement_ref"] != "") & placement_ids.isna(),
            "placement_ref",
            "is not a placement in the tracker",
        )
        problems.where(
            placed_with.notna() & given.notna() & (placed_with != given),
            "provider_ref",
            "is not the provider of this placement",
        )
        _after("period_end", "period_start", df, problems)
        # The ids the write needs, found once: `write` runs on this instance, in this import.
        self._resolved = (df.index, given, placement_ids)

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        """Upsert on invoice_ref; an invoice with a paid date is paid."""
        resolved = getattr(self, "_resolved", None)
        if resolved is not None and resolved[0].equals(df.index):
            provider_ids, placement_ids = resolved[1], resolved[2]
        else:  # written without this instance's check (or of another frame): look them up
            provider_ids = _map_ids(_lookup(Provider, df["provider_ref"]), df["provider_ref"])
            placement_ids = _map_ids(_lookup(Placement, df["placement_ref"]), df["placement_ref"])
        frame = df.assign(
            provider_id=provider_ids,
            placement_id=placement_ids,
            status=pd.Series(
                [Invoice.Status.RECEIVED.value] * len(df), index=df.index, dtype=object
            ).where(df["paid_date"].isna(), Invoice.Status.PAID.value),
        )
        return upsert(
            Invoice,
            frame,
            key=["ref"],
            user=user,
            fields={
                "invoice_ref": "ref",
                "provider_id": "provider_id",
                "placement_id": "placement_id",
                "period_start": "period_start",
                "period_end": "period_end",
                "amount": "amount_pence",
                "paid_date": "paid_date",
                "status": "status",
            },
        )

# The DfE's published statistics (placements/imports/statistics.py) register their formats here.
from placements.imports import statistics  # noqa: E402, F401
