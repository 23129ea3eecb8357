from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    # Read by send_tracker.audit (its history is in the audit trail) and
    # send_tracker.dataversion (a change to its tables moves the data version on).
    audited = True
    data_versioned = True
