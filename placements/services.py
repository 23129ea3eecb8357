"""Writes of the placements app: every state change goes through a function here, in a transaction."""
