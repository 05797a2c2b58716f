"""Placeholder: filled in by the shotgun_import work (issue 10)."""

ROUTES: list = []
