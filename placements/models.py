"""Models of the placements app. Money is integer pence in `*_pence` BigIntegerFields."""

from django.db import models  # noqa: F401
