"""Profile one page on the scale data set with pyinstrument (dev only):

    DATABASE_URL=postgres://…/send_scale .venv/bin/python bench/profile.py /finance/ [repeats]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_tracker.settings.bench")


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler

    path, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    for _ in range(3):
        client.get(path)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(repeats):
            client.get(path)
    print(profiler.output_text(unicode=True, color=False, show_all=False))  # noqa: T201


main()
