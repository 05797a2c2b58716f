"""Placeholder: filled in by the otio_import work (issue 10)."""

ROUTES: list = []
