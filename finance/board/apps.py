from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The monthly board summary: frozen snapshots composed from all three apps."""

    name = "finance.board"
    label = "board"
    verbose_name = "Board summaries"
