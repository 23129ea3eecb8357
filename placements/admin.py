"""Django admin for the placements app (administrators manage reference data here)."""
