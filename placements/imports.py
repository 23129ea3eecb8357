"""Loads provider, child, assessment, placement and invoice files through send_tracker.imports."""
