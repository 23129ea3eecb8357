"""The Celery application, configured from Django settings (CELERY_* names)."""

import functools
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import task_postrun, task_prerun
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_tracker.settings.base")


class Task(DjangoTask):
    """Every task's class: `delay_on_commit` (or `apply_async_on_commit`) is the one way a
    service queues work after its transaction commits.

    Robust: a broker outage at commit is logged by Django, never a failed request (the data
    are committed; the minute sweep or the user's retry queues the work again).
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        self._on_commit(self.delay, *args, **kwargs)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        self._on_commit(self.apply_async, *args, **kwargs)

    def _on_commit(self, send, *args, **kwargs) -> None:
        callback = functools.partial(send, *args, **kwargs)
        # Django's log of a failed callback names it by its __qualname__.
        callback.__qualname__ = f"{self.name}.{getattr(send, '__name__', 'send')}"
        transaction.on_commit(callback, robust=True)


app = Celery("send_tracker", task_cls=Task)
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
