"""What every API endpoint shares: token sign-in, strict query parameters, year/period parsing."""

from __future__ import annotations

import io
import re

import django_filters
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from send_tracker.api import StrictFilterBackend, YearFilter, YearPeriodQuery
from send_tracker.permissions import DIRECTOR, FINANCE


def create_token(username: str) -> str:
    """The token `manage.py drf_create_token USER` prints."""
    out = io.StringIO()
    call_command("drf_create_token", username, stdout=out)
    return re.search(r"Generated token (\w+) for user", out.getvalue()).group(1)


# ---- Token sign-in ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_request_with_a_token_is_signed_in_as_its_user(make_user):
    make_user(FINANCE, username="officer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token('officer')}")
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "SEND Programme Tracker API"


@pytest.mark.django_db
def test_an_unknown_token_is_a_401_that_says_how_to_authenticate():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_signed_in_browser_session_still_reaches_the_api(client_for, make_user):
    response = client_for(make_user(FINANCE)).get("/api/schema/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_token_of_a_user_without_a_role_is_refused(make_user):
    make_user(username="no-role")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token('no-role')}")
    assert client.get("/api/schema/").status_code == 403


# ---- Strict query parameters ------------------------------------------------------------------

class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupFilter(django_filters.FilterSet):
    # YearFilter on a text column: what is under test is how the value is parsed.
    year = YearFilter(field_name="name")

    class Meta:
        model = Group
        fields = ["year"]


class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    """A list endpoint shaped like the apps' ones (default filter backend and pagination)."""

    queryset = Group.objects.order_by("name")
    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    extra_query_params = ("as_of",)


def get_list(user, query: dict):
    request = APIRequestFactory().get("/api/v1/groups/", query)
    force_authenticate(request, user=user)
    return GroupViewSet.as_view({"get": "list"})(request)


@pytest.mark.django_db
def test_the_default_filter_backend_is_the_strict_one():
    assert GroupViewSet().filter_backends == [StrictFilterBackend]


@pytest.mark.django_db
def test_an_unknown_query_parameter_is_a_400_naming_it(make_user):
    response = get_list(make_user(DIRECTOR), {"colour": "red", "limit": "5"})
    assert response.status_code == 400
    assert list(response.data) == ["colour"]
    assert "'colour' is not a filter here" in str(response.data["colour"][0])
    assert "year" in str(response.data["colour"][0])  # and says what is allowed


@pytest.mark.django_db
def test_filters_paging_and_declared_extra_parameters_are_accepted(make_user):
    response = get_list(make_user(DIRECTOR), {"year": "2024-25", "as_of": "x", "limit": "2",
                                              "offset": "0"})
    assert response.status_code == 200
    assert set(response.data) == {"count", "next", "previous", "results"}


@pytest.mark.django_db
def test_a_malformed_year_filter_is_a_400_with_the_reason(make_user):
    response = get_list(make_user(DIRECTOR), {"year": "2024/26"})
    assert response.status_code == 400
    assert "the second year must follow the first (2024/25)" in str(response.data["name"][0])


# ---- Year and period query parameters ---------------------------------------------------------

class SummaryView(APIView):
    """Shaped like the summary endpoints: ?year=2024-25&period=6."""

    def get(self, request):
        query = YearPeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, period = query.validated_data["year"], query.validated_data["period"]
        return Response({"year": year.label, "period": period})


def get_summary(user, query: dict):
    request = APIRequestFactory().get("/api/v1/summary/", query)
    force_authenticate(request, user=user)
    return SummaryView.as_view()(request)


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["2024-25", "2024/25"])
def test_a_summary_reads_the_year_either_way(make_user, year):
    response = get_summary(make_user(DIRECTOR), {"year": year, "period": "P6"})
    assert response.status_code == 200
    assert response.data == {"year": "2024/25", "period": 6}


@pytest.mark.django_db
def test_a_malformed_year_is_a_400_with_the_message(make_user):
    response = get_summary(make_user(DIRECTOR), {"year": "24-25", "period": "6"})
    assert response.status_code == 400
    assert response.data["year"] == [
        "'24-25' is not a financial year: write it as 2024/25 or 2024-25."
    ]


@pytest.mark.django_db
def test_a_period_outside_1_to_12_is_a_400_with_the_message(make_user):
    response = get_summary(make_user(DIRECTOR), {"year": "2024-25", "period": "13"})
    assert response.status_code == 400
    assert "not a period" in str(response.data["period"][0])


@pytest.mark.django_db
def test_a_missing_year_is_a_400(make_user):
    response = get_summary(make_user(DIRECTOR), {"period": "6"})
    assert response.status_code == 400
    assert "year" in response.data


# ---- Errors from services ---------------------------------------------------------------------

class ServiceRuleView(APIView):
    def post(self, request):
        raise DjangoValidationError({"forecast_pence": ["A forecast cannot be negative."]})


@pytest.mark.django_db
def test_a_rule_broken_in_a_service_is_a_400_not_a_500(make_user):
    request = APIRequestFactory().post("/api/v1/x/", {})
    force_authenticate(request, user=make_user(FINANCE))
    response = ServiceRuleView.as_view()(request)
    assert response.status_code == 400
    assert response.data == {"forecast_pence": ["A forecast cannot be negative."]}
