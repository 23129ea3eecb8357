"""Pages of the programme app, under /programme/."""

from django.urls import path

from programme import views

app_name = "programme"
urlpatterns = [
    path("", views.programme_overview, name="overview"),
]
