from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"

    def ready(self) -> None:
        from programme.user_extras import STRANDS
        from send_tracker.accounts.extras import register

        # The user pages (send_tracker) show and set strand leadership through this.
        register(STRANDS)
