"""Pages of the placements app, under /placements/."""

from django.urls import path

from placements import views
from placements.views import benchmarking

app_name = "placements"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("benchmarking/", benchmarking.benchmarking, name="benchmarking"),
    path("benchmarking/comparators/", benchmarking.comparators, name="comparators"),
    path("benchmarking/import/", benchmarking.statistics_import, name="statistics_import"),
    path("benchmarking/import/<int:pk>/", benchmarking.statistics_import_record,
         name="statistics_import_record"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("overpayments/", views.overpayments, name="overpayments"),
    path("overpayments/scan/", views.overpayments_scan, name="overpayments_scan"),
    path("overpayments/<int:pk>/", views.overpayment_review, name="overpayment_review"),
]
