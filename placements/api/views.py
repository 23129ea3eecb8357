"""Viewsets of the placements API: querysets come from selectors scoped to the user."""
