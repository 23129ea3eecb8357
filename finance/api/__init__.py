"""The finance app's REST API (serializers and views), mounted under /api/v1/."""
