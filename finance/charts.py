"""Charts of the finance app: pure functions from selector data to send_tracker.charts.Chart."""
