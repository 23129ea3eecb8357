from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SendTrackerConfig(AppConfig):
    name = "send_tracker"
    verbose_name = "SEND Programme Tracker"
    # Its import records are in the audit trail; its own tables (the data version itself
    # among them) do not move the data version.
    audited = True
    data_versioned = False

    def ready(self) -> None:
        from django.core import signals
        from django.db import models
        from django.utils.module_loading import autodiscover_modules
        from rest_framework.serializers import ModelSerializer

        from send_tracker import api, dataversion, reporting

        # Every model date the API accepts is in the tracker's date range (a 400 outside it):
        # one mapping for every ModelSerializer rather than a field on each.
        ModelSerializer.serializer_field_mapping[models.DateField] = api.DateField

        # Each app's import formats: its `imports` module registers them, once, at start-up
        # (looking for the modules on every request cost a listing page 0.7 ms).
        autodiscover_modules("imports")
        # After every migrate (tests' databases too): new tables get the data-version trigger.
        post_migrate.connect(dataversion.install_triggers, sender=self,
                             dispatch_uid="send_tracker.dataversion.install_triggers")
        # The data version is asked once per request (and again after a write in it).
        signals.request_started.connect(dataversion.request_started,
                                        dispatch_uid="send_tracker.dataversion.request_started")
        signals.request_finished.connect(dataversion.request_finished,
                                         dispatch_uid="send_tracker.dataversion.request_finished")
        # The reporting calendar is read once per request (the header and the page share it).
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(reporting.request_boundary,
                           dispatch_uid=f"send_tracker.reporting.{id(signal)}")
