"""API routes of the placements app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from placements.api import benchmarks, views

router = SimpleRouter()
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("overpayment-flags", views.FlagViewSet, basename="overpayment-flag")

urlpatterns = [
    path("cohort/summary/", views.CohortSummaryView.as_view(), name="cohort-summary"),
    path("benchmarks/measures/", benchmarks.MeasureListView.as_view(),
         name="benchmark-measures"),
    path("benchmarks/", benchmarks.BenchmarkView.as_view(), name="benchmarks"),
    *router.urls,
]
