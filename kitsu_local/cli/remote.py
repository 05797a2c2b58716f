"""``kitsu-local remote add/list/remove``: the central Kitsu instances this one syncs with."""

from __future__ import annotations

import click


@click.group()
def remote() -> None:
    """The remote Kitsu (Zou or kitsu-local) servers this one syncs with."""
