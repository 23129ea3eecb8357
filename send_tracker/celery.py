"""The Celery application, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_tracker.settings.base")

app = Celery("send_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _bind_task_id(task_id=None, **_kwargs) -> None:
    from send_tracker.logging import set_task_id

    set_task_id(task_id)


@task_postrun.connect
def _unbind_task_id(**_kwargs) -> None:
    from send_tracker.logging import set_task_id

    set_task_id(None)
