"""Writes of the programme app: every state change goes through a function here, in a transaction."""
