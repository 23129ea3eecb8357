"""Charts of the programme app: pure functions from selector data to send_tracker.charts.Chart."""
