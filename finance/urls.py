"""Pages of the finance app, under /finance/."""

from django.urls import path

from finance import views

app_name = "finance"
urlpatterns = [
    path("", views.finance_dashboard, name="dashboard"),
]
