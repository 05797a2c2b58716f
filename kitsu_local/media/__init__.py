"""Media derivatives: pure functions from a source file to derivative files (no database, no
HTTP). Pictures with Pillow, movies with PyAV, sized and encoded like Zou's.

The names below are loaded on first use (PEP 562): PyAV, NumPy and Pillow cost about 0.15 s to
import, which a server's start does not pay until a preview is made. ``MediaError`` and the
file extensions are light and come at once.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import MediaError
from .formats import MOVIE_EXTENSIONS, PICTURE_EXTENSIONS

# name -> the module of the package that defines it
_LAZY = {
    "MovieInfo": "movies",
    "NormalizedMovie": "movies",
    "extract_frame": "movies",
    "make_tile": "movies",
    "normalize_movie": "movies",
    "probe_movie": "movies",
    "target_size": "movies",
    "PictureDerivatives": "pictures",
    "make_avatar": "pictures",
    "make_background_thumbnail": "pictures",
    "make_picture_derivatives": "pictures",
    "make_thumbnail_of_frame": "pictures",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = ["MOVIE_EXTENSIONS", "PICTURE_EXTENSIONS", "MediaError", *_LAZY]
