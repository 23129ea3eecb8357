"""API routes of the board summaries (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from finance.board.api.views import BoardSummaryMonthView, BoardSummaryViewSet

router = SimpleRouter()
router.register("board-summaries", BoardSummaryViewSet, basename="board-summary")
urlpatterns = [
    path("board-summaries/<str:year>/<str:period>/", BoardSummaryMonthView.as_view(),
         name="board-summary-month"),
    *router.urls,
]
