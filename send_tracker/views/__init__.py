"""Pages of the shared layer: `pages` (health, error pages), `imports` (file imports),
`audit` (the audit log). send_tracker/urls/ routes to the modules."""
