"""Programme set-up pages, under /setup/ (the programme office and administrators)."""

from django.urls import path

from programme.views import setup as views

app_name = "setup"
urlpatterns = [
    path("", views.setup_index, name="index"),
    path("years/", views.programme_years, name="years"),
    path("targets/", views.programme_targets, name="programme_targets"),
    path("strands/new/", views.strand_edit, name="strand_new"),
    path("strands/<int:pk>/", views.strand_edit, name="strand_edit"),
    path("projects/new/", views.project_edit, name="project_new"),
    path("projects/<int:pk>/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/targets/", views.project_targets, name="project_targets"),
    path("projects/<int:pk>/milestones/", views.project_milestones, name="project_milestones"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/rebaseline/", views.milestone_rebaseline,
         name="milestone_rebaseline"),
    path("kpis/new/", views.kpi_edit, name="kpi_new"),
    path("kpis/<int:pk>/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<int:pk>/targets/", views.kpi_targets, name="kpi_targets"),
]
