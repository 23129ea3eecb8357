"""What every API endpoint shares: strict filters, year/period parsing, and 400s instead of 500s."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import pagination, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import DATE_RANGE_TEXT, FinancialYear, date_out_of_range, parse_period
from send_tracker.money import MAX_AMOUNT_PENCE, amount_bound_text

ALWAYS_ALLOWED = {"limit", "offset", "format", "ordering", "page"}


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter, but an unknown query parameter is a 400 naming it, not silently ignored.

    A view may accept extra parameters by listing them in `extra_query_params`.
    """

    def filter_queryset(self, request, queryset, view):
        allowed = set(ALWAYS_ALLOWED) | set(getattr(view, "extra_query_params", ()))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError(
                {
                    name: [f"'{name}' is not a filter here. Allowed: {', '.join(sorted(allowed))}."]
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)


# Typed for the OpenAPI schema (an untyped field is a drf-spectacular warning in check --deploy).
@extend_schema_field({"type": "string", "example": "2024/25"})
class FinancialYearField(serializers.Field):
    """A financial year written `2024/25` or `2024-25`; represented as `2024/25`."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data) -> FinancialYear:
        try:
            return FinancialYear.parse(data)
        except ValueError as exc:
            self.fail("invalid", message=str(exc))

    def to_representation(self, value) -> str:
        return FinancialYear.parse(value).label


@extend_schema_field(OpenApiTypes.INT)
class PeriodField(serializers.Field):
    """A period 1–12 (or `P6`)."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data) -> int:
        try:
            return parse_period(data)
        except ValueError as exc:
            self.fail("invalid", message=str(exc))

    def to_representation(self, value) -> int:
        return int(value)


class PenceField(serializers.IntegerField):
    """An amount in pence written to the API: within send_tracker.money's ±£1bn, checked on the
    exact integer JSON carried, before anything converts it to 64 bits."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", -MAX_AMOUNT_PENCE)
        kwargs.setdefault("max_value", MAX_AMOUNT_PENCE)
        bound = amount_bound_text()
        kwargs.setdefault("error_messages", {
            "max_value": f"Must be at most {MAX_AMOUNT_PENCE} pence ({bound}).",
            "min_value": "Must not be negative." if kwargs["min_value"] == 0 else
            f"Must be at least -{MAX_AMOUNT_PENCE} pence (-{bound}).",
        })
        super().__init__(**kwargs)


class DateField(serializers.DateField):
    """A date in or out of the API, within send_tracker.fiscal's range (2000 to 2100): a date
    outside it is a 400 naming the range, never date arithmetic that overflows into a 500.

    ModelSerializers use it for every model DateField (TrackerModelSerializer mapping below)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        reason = date_out_of_range(day)
        if reason:
            raise ValidationError(f"Must be a date {DATE_RANGE_TEXT}.")
        return day


class PersonField(serializers.SlugRelatedField):
    """A user named by username as an owner or lead: an active user with a tracker role.

    One message whether the username is unknown, inactive or without a role: the API does not
    say which usernames exist."""

    def __init__(self, **kwargs) -> None:
        from send_tracker.permissions import NOT_A_PERSON, people_with_roles

        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("queryset", people_with_roles())
        message = f"'{{value}}' {NOT_A_PERSON}."
        kwargs.setdefault("error_messages", {"does_not_exist": message, "invalid": message})
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except Exception:  # noqa: BLE001 - unknown, several, or a malformed value: one message
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:150])


class YearFilter(filters.CharFilter):
    """Filter on a `year` column stored as the start year, from `2024-25` or `2024/25`."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        try:
            year = FinancialYear.parse(value)
        except ValueError as exc:
            raise ValidationError({self.field_name: [str(exc)]}) from exc
        return qs.filter(**{self.field_name: year.start_year})


class PeriodFilter(filters.CharFilter):
    """Filter on a period column from `6` or `P6`."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        try:
            period = parse_period(value)
        except ValueError as exc:
            raise ValidationError({self.field_name: [str(exc)]}) from exc
        return qs.filter(**{self.field_name: period})


class YearPeriodQuery(serializers.Serializer):
    """Query parameters of the summary endpoints: `?year=2024-25&period=6`."""

    year = FinancialYearField()
    period = PeriodField()


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError and ValueError from services as 400s."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)


@cached_selector  # counting 600,000 invoices for every page of 50 costs more than the page
def rows_counted(using: str, sql: str, params: tuple) -> int:
    """The number of rows a query returns (its SQL without ordering), once per data version."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS counted", params)  # noqa: S608
        return cursor.fetchone()[0]


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Limit/offset pagination whose total count is read once per data version."""

    def get_count(self, queryset) -> int:
        try:
            query = queryset.query.chain()
            query.clear_ordering(force=True)
            sql, params = query.sql_with_params()
        except Exception:  # noqa: BLE001 - a query that cannot print itself: count it live
            return super().get_count(queryset)
        return rows_counted(queryset.db, sql, tuple(params))
