"""Writes of the finance app: every state change goes through a function here, in a transaction."""
