"""Celery tasks of the finance app: thin, primitive ids in, one service call."""
