"""Placeholder: filled in by the csv_import work (issue 10)."""

ROUTES: list = []
