"""Top-level URLs. Every page needs login (LoginRequiredMiddleware) except login and /healthz."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from send_tracker import audit_views, views

handler403 = "send_tracker.views.permission_denied"
handler404 = "send_tracker.views.page_not_found"
handler500 = "send_tracker.views.server_error"

api_v1 = [
    path("", include("placements.api.urls")),
    path("", include("programme.api.urls")),
    path("", include("finance.api.urls")),
    path("", include("finance.board.api.urls")),
]

urlpatterns = [
    path("", include("finance.overview_urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("_trivial/", views.trivial, name="trivial"),
    path("programme/", include("programme.urls")),
    path("setup/", include("programme.setup_urls")),
    path("finance/", include("finance.urls")),
    path("placements/", include("placements.urls")),
    path("board/", include("finance.board_urls")),
    path("imports/", include("send_tracker.import_urls")),
    path("audit/", audit_views.audit_log, name="audit"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
