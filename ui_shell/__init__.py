"""The desktop shell: the kitsu-local server in a background thread and a window on it."""
