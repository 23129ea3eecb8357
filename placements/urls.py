"""Pages of the placements app, under /placements/."""

from django.urls import path

from placements import views

app_name = "placements"
urlpatterns = [
    path("", views.cohort, name="cohort"),
]
