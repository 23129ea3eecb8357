"""Django admin for the programme app (administrators manage reference data here)."""
