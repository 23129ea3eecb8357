"""Viewsets of the finance API: querysets come from selectors scoped to the user."""
