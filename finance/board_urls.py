"""Board summary pages, under /board/ (the board composes all three apps: it lives in finance)."""

from django.urls import path

from finance import views

app_name = "board"
urlpatterns = [
    path("", views.board_list, name="list"),
]
