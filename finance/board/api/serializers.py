"""Serializers of the board API: a summary's row in the list, and its content for a month."""

from __future__ import annotations

from rest_framework import serializers

from finance.board.models import BoardSummary
from send_tracker.api import FinancialYearField


class BoardSummaryListSerializer(serializers.ModelSerializer):
    """One version of a month: year, period, version, status and sign-off."""

    year = FinancialYearField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = BoardSummary
        fields = ["year", "period", "version", "status", "built_at", "content_hash",
                  "signed_off_by", "signed_off_at", "url"]

    signed_off_by = serializers.CharField(source="signed_off_by_name")

    def get_url(self, obj: BoardSummary) -> str:
        request = self.context.get("request")
        path = f"/api/v1/board-summaries/{obj.fy.slug}/{obj.period}/?version={obj.version}"
        return request.build_absolute_uri(path) if request else path


class BoardSummaryContentSerializer(serializers.Serializer):
    """A summary as the board reads it: the frozen content and the office's text."""

    def to_representation(self, obj: BoardSummary) -> dict:
        content = obj.content
        savings = content.get("savings", {})
        return {
            "year": obj.fy.label,
            "period": obj.period,
            "version": obj.version,
            "status": obj.status,
            "signed_off_by": obj.signed_off_by_name or None,
            "signed_off_at": obj.signed_off_at.isoformat() if obj.signed_off_at else None,
            "built_at": obj.built_at.isoformat(),
            "content_hash": obj.content_hash,
            "headline": content.get("headline", {}),
            "savings": {
                key: savings.get(key)
                for key in ("target_pence", "forecast_pence", "delivered_pence",
                            "shortfall_pence", "unallocated_pence")
            },
            "strands": content.get("strands", []),
            "finance": content.get("finance", {}),
            "trajectory": content.get("trajectory", {}),
            "cohort": content.get("cohort", {}),
            "top_risks": content.get("top_risks", []),
            "kpis": content.get("kpis", []),
            "milestones": content.get("milestones", {}),
            "compared_with": {
                k: v for k, v in (content.get("compared_with") or {}).items() if k != "headline"
            } or None,
            "commentary": obj.commentary,
            "decisions_needed": obj.decisions_needed,
        }
