"""Column mapping pages, under /imports/mappings/ (mounted before /imports/<kind>/)."""

from django.urls import path

from send_tracker.views import mappings as mapping_views

app_name = "import_mappings"
urlpatterns = [
    path("", mapping_views.mapping_list, name="list"),
    path("<int:pk>/", mapping_views.mapping_detail, name="detail"),
    path("<int:pk>/archive/", mapping_views.mapping_archive, name="archive"),
    path("map/<slug:kind>/<str:token>/", mapping_views.mapping_step, name="step"),
]
