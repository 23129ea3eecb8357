"""Reads of the programme app: querysets and aggregates for views, the API, charts and jobs."""
