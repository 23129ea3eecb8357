"""The landing page: the Overview composes programme, finance and placements figures."""

from django.urls import path

from finance.views import pages

urlpatterns = [
    path("", pages.overview, name="overview"),
]
