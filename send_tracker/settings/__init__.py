"""Settings package: `base` (development and the demo), `test`, `production`."""
