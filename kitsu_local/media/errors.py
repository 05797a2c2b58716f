"""The one error type of the media package."""


class MediaError(Exception):
    """A source that cannot be read or decoded: unknown format, corrupt, empty, no picture.

    The message is a short human reason, fit for an API error body.
    """
