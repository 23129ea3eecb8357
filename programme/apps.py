from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"
    # Read by send_tracker.audit (its history is in the audit trail) and
    # send_tracker.dataversion (a change to its tables moves the data version on).
    audited = True
    data_versioned = True

    def ready(self) -> None:
        from programme.user_extras import STRANDS
        from send_tracker.accounts.extras import register

        # The user pages (send_tracker) show and set strand leadership through this.
        register(STRANDS)
