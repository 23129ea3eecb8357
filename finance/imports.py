"""Loads ledger files (budget monitoring) through send_tracker.imports."""
