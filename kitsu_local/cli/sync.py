"""``kitsu-local sync pull/push/status/resolve``: two-way sync with a remote (docs/sync.md)."""

from __future__ import annotations

import click


@click.group()
def sync() -> None:
    """Bring a remote's work here, send local work there, and settle conflicts."""
