"""Reads of the finance app: querysets and aggregates for views, the API, charts and jobs."""
