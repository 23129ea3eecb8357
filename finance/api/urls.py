"""API routes of the finance app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from finance.api import views

router = SimpleRouter()
router.register("budget-lines", views.BudgetLineViewSet, basename="budget-line")
router.register("forecasts", views.ForecastViewSet, basename="forecast")
router.register("pressures", views.PressureViewSet, basename="pressure")
router.register("mitigations", views.MitigationViewSet, basename="mitigation")
router.register("agreement/versions", views.AgreementVersionViewSet, basename="agreement-version")
router.register("agreement/targets", views.AgreementTargetViewSet, basename="agreement-target")
router.register("agreement/instalments", views.InstalmentViewSet, basename="instalment")
router.register("agreement/conditions", views.ConditionViewSet, basename="condition")
router.register("agreement/returns", views.MonitoringReturnViewSet, basename="monitoring-return")
router.register("scenarios", views.ScenarioViewSet, basename="scenario")
urlpatterns = [
    path("trajectory/", views.TrajectoryView.as_view(), name="api-trajectory"),
    path("finance/summary/", views.FinanceSummaryView.as_view(), name="api-finance-summary"),
    *router.urls,
]
