"""Reads of the placements app: querysets and aggregates for views, the API, charts and jobs."""
