"""Media derivatives: pure functions from a source file to derivative files (no database, no
HTTP). Pictures with Pillow, movies with PyAV, sized and encoded like Zou's."""

from .errors import MediaError
from .movies import (
    MOVIE_EXTENSIONS,
    MovieInfo,
    NormalizedMovie,
    extract_frame,
    make_tile,
    normalize_movie,
    probe_movie,
    target_size,
)
from .pictures import (
    PICTURE_EXTENSIONS,
    PictureDerivatives,
    make_avatar,
    make_background_thumbnail,
    make_picture_derivatives,
    make_thumbnail_of_frame,
)

__all__ = [
    "MOVIE_EXTENSIONS",
    "PICTURE_EXTENSIONS",
    "MediaError",
    "MovieInfo",
    "NormalizedMovie",
    "PictureDerivatives",
    "extract_frame",
    "make_avatar",
    "make_background_thumbnail",
    "make_picture_derivatives",
    "make_thumbnail_of_frame",
    "make_tile",
    "normalize_movie",
    "probe_movie",
    "target_size",
]
