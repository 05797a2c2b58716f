"""kitsu-local: the Kitsu (Zou) API on one machine, on an embedded SQLite database."""

__version__ = "0.1.0"

# The Zou release whose behaviour kitsu-local reproduces (see ../shared/design/zou-behaviour.md).
ZOU_COMPATIBLE_VERSION = "1.0.97"
