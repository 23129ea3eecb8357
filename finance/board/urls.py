"""Board summary pages, under /board/ (the board composes all three apps: it lives in finance)."""

from django.urls import path

from finance.board import views

app_name = "board"
urlpatterns = [
    path("", views.board_list, name="list"),
    path("build/", views.board_build, name="build"),
    path("compare/", views.board_compare, name="compare"),
    path("<str:year>/<int:period>/", views.board_detail, name="detail"),
    path("<str:year>/<int:period>/text/", views.board_text, name="text"),
    path("<str:year>/<int:period>/sign-off/", views.board_sign_off, name="sign_off"),
    path("<str:year>/<int:period>/return/", views.board_return, name="return"),
    path("<str:year>/<int:period>/v<int:version>/pack.<str:kind>", views.board_pack,
         name="pack"),
]
