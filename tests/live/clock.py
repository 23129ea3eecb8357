"""Run the tracker (web server, Celery worker or a manage.py command) as a separate process for
the browser journeys and the fault tests, optionally with the clock set to a fixed day.

    python -m tests.live.clock server PORT
    python -m tests.live.clock worker NAME
    python -m tests.live.clock manage migrate

Environment: DATABASE_URL and REDIS_URL as usual; SEND_TEST_CLOCK (ISO date-time: the clock
starts there and ticks on); SEND_TEST_SLOW ("module.function=seconds": sleep that long before
each call, so a fault test's kill lands mid-task). Test-only: never used by the application.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import os
import sys
import time


def _start_clock() -> None:
    frozen = os.environ.get("SEND_TEST_CLOCK")
    if frozen:
        import time_machine

        time_machine.travel(dt.datetime.fromisoformat(frozen), tick=True).start()


def _slow_down() -> None:
    spec = os.environ.get("SEND_TEST_SLOW")
    if not spec:
        return
    target, _, seconds = spec.partition("=")
    module_name, _, name = target.rpartition(".")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    @functools.wraps(original)
    def slowed(*args, **kwargs):
        time.sleep(float(seconds))
        return original(*args, **kwargs)

    setattr(module, name, slowed)


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_tracker.settings.test")
    _start_clock()
    import django
    from django.conf import settings

    role = argv[0]
    if role == "server":
        # Static files straight from static/ (no collectstatic in tests), and session cookies
        # without an expiry date: the browser's clock is not the server's travelled one.
        settings.WHITENOISE_USE_FINDERS = True
        settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
        django.setup()
        _slow_down()
        from django.core.servers.basehttp import run
        from django.core.wsgi import get_wsgi_application

        run("127.0.0.1", int(argv[1]), get_wsgi_application(), threading=True)
    elif role == "worker":
        django.setup()
        _slow_down()
        from send_tracker.celery import app

        if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
            # A short visibility timeout under test: look for unacknowledged messages to
            # restore every second (kombu's default is every 10th check of 10 s).
            app.conf.broker_transport_options = {
                **app.conf.broker_transport_options,
                "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
        app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", f"--hostname={argv[1]}@%h",
                         "--without-gossip", "--without-mingle", "--without-heartbeat"])
    else:
        assert role == "manage"
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
