"""Celery tasks of the placements app: thin, primitive ids in, one service call."""
