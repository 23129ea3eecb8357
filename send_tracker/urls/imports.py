"""Import pages, under /imports/."""

from django.urls import path

from send_tracker.views import imports

app_name = "imports"
urlpatterns = [
    path("", imports.import_history, name="history"),
    path("record/<int:pk>/", imports.import_detail, name="detail"),
    path("record/<int:pk>/status.json", imports.import_status, name="status"),
    path("<slug:kind>/", imports.import_upload, name="upload"),
    path(
        "<slug:kind>/template.<str:extension>",
        imports.import_template,
        name="template",
    ),
]
