"""Forms of the programme app: input validation only; rules live in services."""
