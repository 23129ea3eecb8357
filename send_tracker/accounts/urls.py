"""The user pages under /users/ and the invitee's link under /invitation/."""

from django.urls import path

from send_tracker.accounts import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="list"),
    path("users/invite/", views.user_invite, name="invite"),
    path("users/<int:pk>/", views.user_detail, name="detail"),
    path("users/<int:pk>/invite/", views.user_reinvite, name="reinvite"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="reactivate"),
    path("invitation/<str:token>/", views.invitation_accept, name="accept"),
]
