"""Celery tasks of the programme app: thin, primitive ids in, one service call."""
