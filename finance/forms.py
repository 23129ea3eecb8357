"""Forms of the finance app: input validation only; rules live in services."""
