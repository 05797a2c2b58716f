"""Two-way sync with a central Kitsu (Zou) or another kitsu-local (issue 9, docs/sync.md).

``remote.py`` talks HTTP to the remote, ``remotes.py`` keeps the configured remotes,
``kinds.py`` lists what travels and in which order, ``state.py`` keeps the last synced copy of
every record, the checkpoints and the conflicts in the local database, ``pull.py`` and
``push.py`` are the two engines, ``files.py`` moves previews and attachments.
"""
