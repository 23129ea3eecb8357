from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The monthly board summary: frozen snapshots composed from all three apps."""

    name = "finance.board"
    label = "board"
    verbose_name = "Board summaries"
    # Read by send_tracker.audit (its history is in the audit trail) and
    # send_tracker.dataversion (a change to its tables moves the data version on).
    audited = True
    data_versioned = True
