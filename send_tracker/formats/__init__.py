"""The tracker's one date format (settings.FORMAT_MODULE_PATH): `29 November 2026` in text and
`{{ day }}`, `29 Nov 2026` in tables (`|date:"SHORT_DATE_FORMAT"`, `short_date()`)."""
