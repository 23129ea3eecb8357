from django.apps import AppConfig


class SendTrackerConfig(AppConfig):
    name = "send_tracker"
    verbose_name = "SEND Programme Tracker"
