"""The landing page: the Overview composes programme, finance and placements figures."""

from django.urls import path

from finance import views

urlpatterns = [
    path("", views.overview, name="overview"),
]
