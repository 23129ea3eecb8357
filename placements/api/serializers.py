"""Serializers of the placements API: validate input, then hand it to a service."""
