"""Import pages, under /imports/."""

from django.urls import path

from send_tracker.views import imports as import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.import_history, name="history"),
    path("record/<int:pk>/", import_views.import_detail, name="detail"),
    path("record/<int:pk>/status.json", import_views.import_status, name="status"),
    path("<slug:kind>/", import_views.import_upload, name="upload"),
    path(
        "<slug:kind>/template.<str:extension>",
        import_views.import_template,
        name="template",
    ),
]
