"""The file extensions the preview pipeline reads as movies and as pictures (Zou's lists)."""

MOVIE_EXTENSIONS = ("avi", "m4v", "mkv", "mov", "mp4", "webm", "wmv")
PICTURE_EXTENSIONS = ("jpe", "jpeg", "jpg", "png")
