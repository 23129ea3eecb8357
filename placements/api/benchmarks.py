"""API of the published statistics: the measures, and each measure's figures for the council,
its comparators, their median, its region and England (aggregates: every role)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from placements import selectors
from placements.benchmarks import ATTRIBUTION, BY_CODE, MEASURES
from send_tracker.permissions import Capability

AGGREGATES = Capability.of("view_aggregates")


class MeasureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    file = serializers.CharField(help_text="The release's CSV file the measure is read from.")
    columns = serializers.ListField(child=serializers.CharField())
    basis = serializers.CharField(help_text="academic (counted in January) or calendar year")
    unit = serializers.CharField(help_text="count or percent")
    direction = serializers.CharField(help_text="higher or lower is better, or empty for neither")


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    release = serializers.IntegerField(allow_null=True,
                                       help_text="Reporting year of the release it came from.")


class PeriodSerializer(serializers.Serializer):
    time_period = serializers.CharField(help_text="As the release codes it: 202425 or 2024.")
    label = serializers.CharField()
    council = FigureSerializer()
    comparators = FigureSerializer(many=True)
    median = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    region = FigureSerializer()
    england = FigureSerializer()


class BenchmarkSerializer(serializers.Serializer):
    measure = serializers.CharField()
    unit = serializers.CharField()
    attribution = serializers.CharField()
    periods = PeriodSerializer(many=True)


class MeasureListView(ListAPIView):
    """Every published measure: code, name, definition, source file and columns."""

    permission_classes = [AGGREGATES]
    serializer_class = MeasureSerializer
    # A fixed list, not a queryset: nothing to filter (and no model for the schema to look up).
    filter_backends: list = []

    def get_queryset(self) -> list[dict]:
        return [
            {"code": m.code, "name": m.name, "definition": m.definition, "file": m.file,
             "columns": list(m.columns), "basis": m.basis, "unit": m.unit,
             "direction": m.direction}
            for m in MEASURES
        ]


class BenchmarkView(APIView):
    """One measure for the council, each comparator, their median, region and England."""

    permission_classes = [AGGREGATES]

    @extend_schema(
        parameters=[
            OpenApiParameter("measure", str, required=True,
                             description="A measure code from /api/v1/benchmarks/measures/."),
            OpenApiParameter("time_period", str, required=False,
                             description="202425 (academic) or 2024 (calendar); all if omitted."),
        ],
        responses=BenchmarkSerializer,
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"measure", "time_period", "format"})
        if unknown:
            return Response(
                {name: ["Not a parameter here. Allowed: measure, time_period."]
                 for name in unknown},
                status=status.HTTP_400_BAD_REQUEST,
            )
        code = request.query_params.get("measure", "")
        if code not in BY_CODE:
            return Response(
                {"measure": [f"'{code}' is not a measure. Known measures: "
                             f"{', '.join(BY_CODE)}." if code else "Name a measure."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        period = request.query_params.get("time_period") or None
        data = selectors.benchmark_api(measure=BY_CODE[code], time_period=period)
        data["attribution"] = ATTRIBUTION
        return Response(BenchmarkSerializer(data).data)
