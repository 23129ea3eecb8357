"""Serializers of the finance API: validate input, then hand it to a service."""
