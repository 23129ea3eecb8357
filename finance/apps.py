from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    # Read by send_tracker.audit (its history is in the audit trail) and
    # send_tracker.dataversion (a change to its tables moves the data version on).
    audited = True
    data_versioned = True

    def ready(self) -> None:
        # The minute sweep (send_tracker.tasks) keeps the trajectory up with its inputs.
        from finance.services.recompute import trajectory_sweep
        from send_tracker.tasks import sweep_register

        sweep_register(trajectory_sweep)
