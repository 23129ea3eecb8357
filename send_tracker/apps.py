from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SendTrackerConfig(AppConfig):
    name = "send_tracker"
    verbose_name = "SEND Programme Tracker"

    def ready(self) -> None:
        from django.core.signals import request_started

        from send_tracker.dataversion import forget_dirty_block, install_triggers

        # After every migrate (tests' databases too): new tables get the data-version trigger.
        post_migrate.connect(install_triggers, sender=self,
                             dispatch_uid="send_tracker.dataversion.install_triggers")
        request_started.connect(forget_dirty_block,
                                dispatch_uid="send_tracker.dataversion.forget_dirty_block")
