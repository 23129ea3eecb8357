"""Serializers of the programme API: validate input, then hand it to a service."""
