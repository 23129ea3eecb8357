"""Charts of the placements app: pure functions from selector data to send_tracker.charts.Chart."""
