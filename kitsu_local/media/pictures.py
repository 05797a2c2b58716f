"""Picture derivatives with Pillow, sized like Zou's (`zou/app/utils/thumbnail.py`).

Every derivative is a PNG: the full-resolution original, a 1200-px-wide preview and two
thumbnails, all of them the picture fitted inside its box (Lanczos) and centred on a
transparent canvas of exactly the box size.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from .errors import MediaError
from .files import written_atomically

# Zou's MAX_IMAGE_PIXELS default; Pillow refuses a picture above twice this many pixels.
MAX_IMAGE_PIXELS = 20000 * 20000
THUMBNAIL_SIZE = (150, 100)
SQUARE_THUMBNAIL_SIZE = (100, 100)
PREVIEW_WIDTH = 1200
AVATAR_SIZE = (400, 400)
BACKGROUND_THUMBNAIL_SIZE = (300, 200)
# File names of the derivatives inside `out_dir`, named after Zou's storage prefixes.
ORIGINAL_NAME = "original.png"
PREVIEW_NAME = "previews.png"
THUMBNAIL_NAME = "thumbnails.png"
SQUARE_THUMBNAIL_NAME = "thumbnails-square.png"

# Like Zou: a picture cut short still gives its decoded part rather than an error.
ImageFile.LOAD_TRUNCATED_IMAGES = True
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_HDR_GAMMA = 1 / 2.2


@dataclass(frozen=True)
class PictureDerivatives:
    original: Path
    previews: Path
    thumbnails: Path
    thumbnails_square: Path
    width: int
    height: int
    file_size: int


def make_picture_derivatives(source: Path, out_dir: Path) -> PictureDerivatives:
    """Convert an uploaded picture to PNG (EXIF orientation applied, colours in sRGB) and build
    its previews and thumbnails in `out_dir`.

    `width` and `height` are those of the upright picture.
    """
    return _derivatives(_open_picture(source), Path(out_dir))


def make_thumbnail_of_frame(
    frame: Path, out_dir: Path, size: tuple[int, int] | None = None
) -> PictureDerivatives:
    """Build the picture set of a movie preview from one of its frames (a PNG).

    The original is the frame fitted and centred on a transparent canvas of `size` (the movie
    size; default the frame's own), as Zou does before deriving the thumbnails from it.
    """
    image = _open_picture(frame)
    return _derivatives(_fit_on_canvas(image, size or image.size), Path(out_dir))


def make_avatar(source: Path, target: Path, size: tuple[int, int] = AVATAR_SIZE) -> None:
    """Write the avatar of a person, project or organisation: fitted and centred on `size`."""
    _save_png(_fit_on_canvas(_open_picture(source), size), Path(target))


def make_background_thumbnail(
    source_hdr: Path, target: Path, size: tuple[int, int] = BACKGROUND_THUMBNAIL_SIZE
) -> None:
    """Write the thumbnail of a Radiance .hdr environment map: values clamped to 0-1, gamma
    1/2.2, scaled to 8 bits, then fitted and centred on `size`."""
    linear = _decode_hdr(Path(source_hdr))
    tone_mapped = np.rint(np.clip(linear, 0, 1) ** _HDR_GAMMA * 255).astype(np.uint8)
    _save_png(_fit_on_canvas(Image.fromarray(tone_mapped, "RGB"), size), Path(target))


def fitted_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Size of a `size` picture fitted inside `box`, with Zou's rounding (upscaled first when
    smaller than the box in both dimensions)."""
    width, height = size
    box_width, box_height = box
    if width < box_width and height < box_height:
        ratio = min(box_width / width, box_height / height)
        width, height = max(1, round(width * ratio)), max(1, round(height * ratio))
    ratio = width / height
    if ratio == box_width / box_height:
        return box_width, box_height
    fitted_width, fitted_height = math.ceil(box_height * ratio), box_height
    if fitted_width > box_width:
        fitted_width, fitted_height = box_width, math.ceil(box_width / ratio)
    return fitted_width, fitted_height


def _derivatives(image: Image.Image, out_dir: Path) -> PictureDerivatives:
    width, height = image.size
    paths = {
        name: out_dir / name
        for name in (ORIGINAL_NAME, PREVIEW_NAME, THUMBNAIL_NAME, SQUARE_THUMBNAIL_NAME)
    }
    _save_png(image, paths[ORIGINAL_NAME])
    preview_box = (PREVIEW_WIDTH, math.ceil(PREVIEW_WIDTH * height / width))
    _save_png(_fit_on_canvas(image, preview_box), paths[PREVIEW_NAME])
    _save_png(_fit_on_canvas(image, THUMBNAIL_SIZE), paths[THUMBNAIL_NAME])
    _save_png(_fit_on_canvas(image, SQUARE_THUMBNAIL_SIZE), paths[SQUARE_THUMBNAIL_NAME])
    return PictureDerivatives(
        original=paths[ORIGINAL_NAME],
        previews=paths[PREVIEW_NAME],
        thumbnails=paths[THUMBNAIL_NAME],
        thumbnails_square=paths[SQUARE_THUMBNAIL_NAME],
        width=width,
        height=height,
        file_size=paths[ORIGINAL_NAME].stat().st_size,
    )


def _open_picture(source: Path) -> Image.Image:
    """Decode a picture upright and in sRGB: RGB, or RGBA when it has transparency."""
    try:
        with Image.open(source) as opened:
            opened.load()
            return _to_srgb(ImageOps.exif_transpose(opened))
    except FileNotFoundError as error:
        raise MediaError("Picture file not found.") from error
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise MediaError("Not a readable picture.") from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # Pillow's plugins report a broken file with any of these, depending on the format.
        raise MediaError("Broken picture, it cannot be decoded.") from error


def _to_srgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # convert() clamps deep greyscale at 255 instead of scaling it down.
        image = image.point(lambda value: value / 256).convert("L")
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    icc_profile = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "CMYK") or (image.mode == "RGB" and has_alpha):
        # Palette, greyscale and colour-keyed pictures: the key becomes a real alpha channel.
        image = image.convert(mode)
    if icc_profile:
        # A broken or mismatched profile is not worth refusing the picture.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(BytesIO(icc_profile)),
                _SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    return image.convert(mode) if image.mode != mode else image


def _fit_on_canvas(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    fitted = fitted_size(image.size, box)
    if fitted != image.size:
        image = image.resize(fitted, Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", box, (0, 0, 0, 0))
    canvas.paste(image.convert("RGBA"), ((box[0] - fitted[0]) // 2, (box[1] - fitted[1]) // 2))
    return canvas


def _save_png(image: Image.Image, target: Path) -> None:
    with written_atomically(target) as temporary:
        image.save(temporary, "PNG")


def _decode_hdr(source: Path) -> np.ndarray:
    """Linear RGB float32 samples of the first picture of an .hdr file (FFmpeg's decoder)."""
    try:
        with av.open(str(source)) as container:
            frame = next(container.decode(video=0))
            return frame.to_ndarray(format="gbrpf32le")
    except (av.FFmpegError, StopIteration, IndexError) as error:
        reason = getattr(error, "strerror", None) or "no picture in it"
        raise MediaError(f"Not a readable HDR picture ({reason}).") from error
