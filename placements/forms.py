"""Forms of the placements app: input validation only; rules live in services."""
