"""Django admin for the finance app (administrators manage reference data here)."""
