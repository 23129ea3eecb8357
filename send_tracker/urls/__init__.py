"""Top-level URLs. Every page needs login (LoginRequiredMiddleware) except login and /healthz."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from send_tracker.views import audit, calendar, lockouts, pages

handler403 = "send_tracker.views.pages.permission_denied"
handler404 = "send_tracker.views.pages.page_not_found"
handler500 = "send_tracker.views.pages.server_error"

api_v1 = [
    path("", include("placements.api.urls")),
    path("", include("programme.api.urls")),
    path("", include("finance.api.urls")),
    path("", include("finance.board.api.urls")),
]

urlpatterns = [
    path("", include("finance.urls.overview")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", pages.healthz, name="healthz"),
    path("_trivial/", pages.trivial, name="trivial"),
    path("programme/", include("programme.urls")),
    path("setup/", include("programme.urls.setup")),
    path("finance/", include("finance.urls")),
    path("placements/", include("placements.urls")),
    path("board/", include("finance.board.urls")),
    path("imports/mappings/", include("send_tracker.urls.mappings")),
    path("imports/", include("send_tracker.urls.imports")),
    path("audit/", audit.audit_log, name="audit"),
    path("glossary/", pages.glossary_page, name="glossary"),
    path("", include("send_tracker.accounts.urls")),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/close/", calendar.calendar_close, name="calendar-close"),
    path("calendar/<str:year>/p<int:period>/", calendar.calendar_edit, name="calendar-edit"),
    path("lockouts/", lockouts.lockouts, name="lockouts"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
