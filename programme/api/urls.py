"""API routes of the programme app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from programme.api import views

router = SimpleRouter()
router.register("strands", views.StrandViewSet, basename="strand")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("savings-targets", views.SavingsTargetViewSet, basename="savings-target")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("raid-items", views.RaidItemViewSet, basename="raid-item")
router.register("kpis", views.KpiViewSet, basename="kpi")
router.register("kpi-readings", views.KpiReadingViewSet, basename="kpi-reading")

urlpatterns = [
    path("programme/summary/", views.ProgrammeSummaryView.as_view(), name="programme-summary"),
    *router.urls,
]
