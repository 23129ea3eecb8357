"""Pages of the programme app, under /programme/."""

from django.urls import path

from programme import views
from programme.views.setup import kpi_reading

app_name = "programme"
urlpatterns = [
    path("", views.programme_overview, name="overview"),
    path("export/<str:fmt>/", views.overview_export, name="export"),
    path("update/", views.update_form, name="update"),
    path("update/check/", views.update_check, name="update_check"),
    path("update/done/", views.update_done, name="update_done"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/remind/", views.compliance_remind, name="compliance_remind"),
    path("raid/", views.raid_log, name="raid"),
    path("raid/new/", views.raid_edit, name="raid_new"),
    path("raid/<int:pk>/edit/", views.raid_edit, name="raid_edit"),
    path("raid/<int:pk>/convert/", views.raid_convert, name="raid_convert"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("kpis/", views.kpi_page, name="kpis"),
    path("kpis/<int:pk>/reading/", kpi_reading, name="kpi_reading"),
    path("strands/<slug:slug>/", views.strand_detail, name="strand"),
]
