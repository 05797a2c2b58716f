"""Reading a source movie with PyAV, and the small conversions the reader and the writers share:
stream choice, display geometry (sample aspect, rotation), colour range, audio formats."""

from __future__ import annotations

import contextlib
import functools
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.video.reformatter import ColorRange
from PIL import Image

from .errors import MediaError
from .files import written_atomically

logger = logging.getLogger(__name__)

# The silent soundtrack Zou muxes in with ffmpeg's anullsrc defaults.
SILENCE_SAMPLE_RATE = 44100
SILENCE_LAYOUT = "stereo"


@dataclass(frozen=True)
class MovieInfo:
    width: int
    height: int
    duration: float
    fps: float
    has_audio: bool
    display_aspect_ratio: float
    nb_frames: int
    file_size: int


UPRIGHT_FILTERS: dict[int, list[tuple[str, str]]] = {
    0: [],
    1: [("transpose", "cclock")],
    2: [("hflip", ""), ("vflip", "")],
    3: [("transpose", "clock")],
}
UPRIGHT_TRANSPOSES = {
    1: Image.Transpose.ROTATE_90,
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_270,
}


@contextlib.contextmanager
def open_movie(path: Path) -> Iterator[av.container.InputContainer]:
    """Open a movie for reading; FFmpeg's errors, on opening or later, become MediaError."""
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as error:
        raise MediaError(f"Not a readable movie ({reason(error)}).") from error
    with container:
        try:
            yield container
        except av.FFmpegError as error:
            raise MediaError(f"Broken movie ({reason(error)}).") from error


def video_stream(container: av.container.InputContainer) -> av.VideoStream:
    """The first video stream that is a movie, not an attached cover picture."""
    for stream in container.streams.video:
        if (
            not stream.disposition & av.stream.Disposition.attached_pic
            and stream.codec_context.width
        ):
            return stream
    raise MediaError("The file has no video stream.")


def audio_stream(container: av.container.InputContainer) -> av.AudioStream | None:
    return next(iter(container.streams.audio), None)


def decoded_video(
    container: av.container.InputContainer, stream: av.VideoStream
) -> Iterator[av.VideoFrame]:
    use_threads(stream, 0)
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            continue


def use_threads(stream: av.VideoStream, count: int) -> None:
    # Frame and slice threads, as the ffmpeg command line decodes.
    if not stream.codec_context.is_open:
        stream.thread_type = "AUTO"
        stream.thread_count = count


def movie_info(
    container: av.container.InputContainer, stream: av.VideoStream, path: Path
) -> MovieInfo:
    width, height = stream.codec_context.width, stream.codec_context.height
    if stream.duration is not None and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    else:
        duration = (container.duration or 0) / av.time_base
    rate = stream.average_rate or stream.base_rate
    fps = float(rate) if rate else 25.0
    return MovieInfo(
        width=width,
        height=height,
        duration=duration,
        fps=fps,
        has_audio=audio_stream(container) is not None,
        display_aspect_ratio=float(width * pixel_aspect(stream) / height),
        nb_frames=stream.frames or round(duration * fps),
        file_size=path.stat().st_size,
    )


def pixel_aspect(stream: av.VideoStream) -> Fraction:
    sar = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    return Fraction(sar) if sar and sar > 0 else Fraction(1)


def fitted_size(
    width: int, height: int, pixel_aspect: Fraction, box_width: int, box_height: int
) -> tuple[int, int]:
    """The picture size of Zou's filters: `scale=trunc(iw*sar/2)*2:ih` to square pixels, then
    `scale=W:H:force_original_aspect_ratio=decrease:force_divisible_by=2` (FFmpeg's rounding)."""
    width = max(2, math.trunc(width * pixel_aspect / 2) * 2)
    fit_width = min(box_width, rescale(box_height, width, height * 2) * 2)
    fit_height = min(box_height, rescale(box_width, height, width * 2) * 2)
    return max(2, fit_width - fit_width % 2), max(2, fit_height - fit_height % 2)


def limited_range(frame: av.VideoFrame) -> str:
    """The scale option turning a full-range (JPEG) picture to limited range for yuv420p, as
    ffmpeg 6 does; nothing otherwise, so that a picture already at size passes through."""
    full = frame.color_range == ColorRange.JPEG or frame.format.name.startswith("yuvj")
    return ":out_range=tv" if full else ""


def quarter_turns(frame: av.VideoFrame) -> int:
    """Counterclockwise quarter turns the display matrix asks for (phone movies)."""
    return round(frame.rotation / 90) % 4


def rescale(a: int, b: int, c: int) -> int:
    """a * b / c rounded to the nearest integer, as FFmpeg's av_rescale."""
    return (a * b + c // 2) // c


def audio_format(source: av.AudioStream | None) -> tuple[int, str]:
    """Sample rate and layout of the AAC track: the source's when AAC takes them, else the
    silent track's (a layout of unknown channel order is stereo unless mono)."""
    if source is None:
        return SILENCE_SAMPLE_RATE, SILENCE_LAYOUT
    context = source.codec_context
    layout = context.layout.name
    if layout.endswith(" channels"):
        layout = "mono" if context.channels == 1 else SILENCE_LAYOUT
    rate = context.sample_rate if aac_accepts(context.sample_rate, layout) else SILENCE_SAMPLE_RATE
    return rate, layout if aac_accepts(rate, layout) else SILENCE_LAYOUT


@functools.cache
def aac_accepts(rate: int, layout: str) -> bool:
    encoder = av.CodecContext.create("aac", "w")
    try:
        encoder.sample_rate, encoder.layout, encoder.format = rate, layout, "fltp"
        encoder.time_base = Fraction(1, max(rate, 1))
        encoder.open()
    except (av.FFmpegError, ValueError):
        return False
    return True


def copy_colour_tags(frame: av.VideoFrame, context: av.VideoCodecContext) -> None:
    # The ffmpeg command line tags the output with the colour properties of its first frame.
    context.color_range = frame.color_range
    context.color_primaries = frame.color_primaries
    context.color_trc = frame.color_trc
    context.colorspace = frame.colorspace


def pulled(graph: av.filter.Graph) -> Iterator[av.VideoFrame | av.AudioFrame]:
    """Every frame the graph's sink has ready."""
    while True:
        try:
            yield graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return


def save_frame(frame: av.VideoFrame, target: Path) -> None:
    image = frame.to_image()
    if turns := quarter_turns(frame):
        image = image.transpose(UPRIGHT_TRANSPOSES[turns])
    with written_atomically(target) as temporary:
        image.save(temporary, "PNG")


def no_picture() -> None:
    raise MediaError("No decodable picture in the movie.")


def reason(error: av.FFmpegError) -> str:
    return error.strerror or type(error).__name__
