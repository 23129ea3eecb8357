"""Viewsets of the programme API: querysets come from selectors scoped to the user."""
