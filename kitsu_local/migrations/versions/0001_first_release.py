"""The first release (git commit 2f2ef40): the baseline.

Its schema is what that release's ``create_all`` made from its models, plus the ``api_event``
indexes its ``ensure_event_indexes`` added at every start. A database of that release has no
``alembic_version`` table: ``services/migrate.py`` stamps it with this revision, then upgrades
it. A new database is never built from here: it is made at head (``create_all``) and stamped.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import inspect

revision = "0001_first_release"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not inspect(op.get_bind()).has_table("person"):
        raise RuntimeError(
            "0001_first_release is the schema of the first release and is not built by a"
            " migration: make a new database with `kitsu-local init-db`"
        )


def downgrade() -> None:
    raise RuntimeError("0001_first_release is the oldest schema: restore a backup instead")
