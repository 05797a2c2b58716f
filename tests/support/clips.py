"""Movies and pictures generated on the fly for the media tests (and the integration tests that
upload them): no binary fixture in the repository, every property of a source is chosen here."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

# Pillow's Exif tag number of the orientation field.
EXIF_ORIENTATION = 0x0112
# Colour of the top-left marker of make_picture, to check where a rotation put it.
MARKER = (255, 0, 0)
_CONTAINERS = {
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mov": "mov",
    ".mkv": "matroska",
    ".avi": "avi",
}


def make_clip(
    path: Path,
    seconds: float,
    width: int,
    height: int,
    fps: float = 25,
    audio: bool = False,
    bframes: bool = True,
    *,
    audio_seconds: float | None = None,
    vfr: bool = False,
    sar: Fraction | None = None,
    rotation: int | None = None,
    video_codec: str = "libx264",
    audio_codec: str = "aac",
    audio_rate: int = 44100,
    audio_layout: str = "stereo",
) -> Path:
    """Write a moving test pattern encoded with libx264 (plus a 440 Hz AAC tone when `audio`).

    Odd sizes are written as yuv444p, since x264 refuses odd 4:2:0 pictures; `video_codec`
    "mjpeg" writes full-range yuvj420p, as cameras do. `vfr` alternates
    short and long frame durations (same mean rate); `sar` stores non-square pixels;
    `rotation` a display matrix turning the picture counterclockwise by that many degrees (-90:
    a phone held upright); `audio_seconds` makes the soundtrack shorter or longer than the
    picture.
    """
    path = Path(path)
    rate = Fraction(fps).limit_denominator(1001)
    frames = round(seconds * rate)
    even = width % 2 == 0 and height % 2 == 0
    with av.open(str(path), "w", format=_CONTAINERS.get(path.suffix.lower(), "mp4")) as out:
        video = out.add_stream(video_codec, rate=rate)
        video.width, video.height = width, height
        if video_codec == "libx264":
            video.pix_fmt = "yuv420p" if even else "yuv444p"
            # ultrafast disables B-frames; three is what a camera or an editor would produce.
            video.codec_context.options = {"preset": "ultrafast"} | (
                {"bf": "3", "x264-params": "b-adapt=0"} if bframes else {"bf": "0"}
            )
        elif video_codec == "mjpeg":
            video.pix_fmt = "yuvj420p"
        video.codec_context.time_base = Fraction(1, 1000) if vfr else 1 / rate
        if sar is not None:
            video.codec_context.sample_aspect_ratio = sar
        if rotation is not None:
            video.set_display_rotation(rotation)
        tone = out.add_stream(audio_codec, rate=audio_rate) if audio else None
        if tone is not None:
            tone.codec_context.layout = audio_layout
        pattern = _lavfi(f"testsrc2=size={width}x{height}:rate={rate}", video.pix_fmt)
        pts = 0
        for index in range(frames):
            frame = pattern.vpull()
            frame.pts = pts if vfr else index
            frame.time_base = video.codec_context.time_base
            # lavfi sources mark every picture as I, which would force x264 to intra-only.
            frame.pict_type = av.video.frame.PictureType.NONE
            pts += round(1000 / float(rate) * (0.5 if index % 2 else 1.5)) if vfr else 1
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if tone is not None:
            _write_tone(out, tone, seconds if audio_seconds is None else audio_seconds)
    return path


def make_picture(
    path: Path,
    width: int,
    height: int,
    fmt: str = "PNG",
    exif_orientation: int | None = None,
    *,
    mode: str = "RGB",
) -> Path:
    """Write a gradient picture with a red block in its top-left corner.

    `exif_orientation` stores an EXIF Orientation tag (JPEG); `mode="CMYK"` writes a CMYK JPEG.
    """
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, max(width // 4, 1) - 1, max(height // 4, 1) - 1), fill=MARKER)
    if mode != "RGB":
        image = image.convert(mode)
    exif = Image.Exif()
    if exif_orientation is not None:
        exif[EXIF_ORIENTATION] = exif_orientation
    image.save(path, fmt, exif=exif.tobytes())
    return Path(path)


def make_hdr(path: Path, width: int, height: int, peak: float = 4.0) -> Path:
    """Write a Radiance .hdr picture: a horizontal ramp from 0 to `peak` (values above 1 exist)."""
    ramp = np.linspace(0, peak, width, dtype=np.float32)
    plane = np.ascontiguousarray(np.broadcast_to(ramp, (height, width)))
    frame = av.VideoFrame.from_ndarray(np.stack([plane] * 3, axis=2), format="gbrpf32le")
    encoder = av.CodecContext.create("hdr", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "gbrpf32le"
    encoder.time_base = Fraction(1, 1)
    frame.pts = 0
    data = b"".join(bytes(packet) for packet in [*encoder.encode(frame), *encoder.encode(None)])
    Path(path).write_bytes(data)
    return Path(path)


def _lavfi(source: str, pix_fmt: str) -> av.filter.Graph:
    """A filter graph with no input: a lavfi source converted to `pix_fmt`, pulled frame by frame."""
    graph = av.filter.Graph()
    graph.link_nodes(
        graph.add(*source.split("=", 1)),
        graph.add("format", pix_fmt),
        graph.add("buffersink"),
    ).configure()
    return graph


def _write_tone(out: av.container.OutputContainer, stream: av.AudioStream, seconds: float) -> None:
    context = stream.codec_context
    graph = av.filter.Graph()
    graph.link_nodes(
        graph.add("sine", f"frequency=440:sample_rate={context.sample_rate}:duration={seconds}"),
        graph.add(
            "aformat",
            f"sample_fmts={context.format.name}:channel_layouts={context.layout.name}",
        ),
        graph.add("abuffersink"),
    ).configure()
    graph.set_audio_frame_size(stream.codec_context.frame_size or 1024)
    while True:
        try:
            frame = graph.pull()
        except (av.EOFError, av.BlockingIOError):
            break
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))
