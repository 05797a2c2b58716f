"""Movie previews with PyAV, encoded with the settings of Zou's ffmpeg calls (`zou/utils/movie.py`).

`normalize_movie` decodes the source once. Every decoded frame goes, through a small bounded
queue, to one writer thread per output movie (high and low definition); each writer has its own
filter graph (fps, scale, format, pad, setsar), x264 and AAC encoders and mp4 muxer. PyAV
releases the GIL while FFmpeg decodes, filters and encodes, so the writers and x264's own
threads keep both cores busy. The first-frame thumbnail and the tile sheet are taken from the
writers' filtered frames, so they cost no second decode either.

The parts: ``movie_streams.py`` reads the source, ``movie_writer.py`` is one output movie,
``tiles.py`` the pictures taken from the frames; this module runs them.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from .errors import MediaError
from .files import written_atomically
from .movie_streams import (
    MovieInfo,
    audio_stream,
    decoded_video,
    movie_info,
    no_picture,
    open_movie,
    reason,
    save_frame,
    use_threads,
    video_stream,
)
from .movie_writer import ABORT, END, EncodeSettings, MovieOutput, MovieWriter, Silence
from .tiles import FirstFrameSaver, TileSheet

LOWDEF_WIDTH = 1280
# File names of the outputs inside `out_dir`.
HIGHDEF_NAME = "highdef.mp4"
LOWDEF_NAME = "lowdef.mp4"
THUMBNAIL_NAME = "thumbnail.png"
TILE_NAME = "tile.png"

logger = logging.getLogger(__name__)

# What ffmpeg's autorotation inserts for each counterclockwise quarter turn of a display matrix.


@dataclass(frozen=True)
class NormalizedMovie:
    highdef: Path | None
    lowdef: Path
    thumbnail: Path
    tile: Path | None
    width: int
    height: int
    duration: float
    fps: float
    file_size: int


def probe_movie(path: Path) -> MovieInfo:
    """Size, duration, frame rate and soundtrack of a movie; decodes its first picture to make
    sure it is readable."""
    with open_movie(path) as container:
        stream = video_stream(container)
        if next(decoded_video(container, stream), None) is None:
            no_picture()
        return movie_info(container, stream, Path(path))


def target_size(info: MovieInfo, width: int | None, height: int) -> tuple[int, int]:
    """Zou's output size: an unknown width follows the source's width/height ratio (floored),
    then both dimensions are rounded up to even numbers."""
    if width is None:
        width = math.floor(info.width / info.height * height)
    return width + width % 2, height + height % 2


def normalize_movie(
    source: Path,
    out_dir: Path,
    width: int | None,
    height: int,
    fps: float,
    hd_bitrate: int = 28,
    ld_bitrate: int = 6,
    preset: str = "medium",
    skip_highdef: bool = False,
    threads: int = 0,
) -> NormalizedMovie:
    """Encode the preview movies of an uploaded movie into `out_dir`.

    Outputs: `highdef.mp4` (width x height, `hd_bitrate` Mbit/s; skipped with `skip_highdef`),
    `lowdef.mp4` (1280 wide, `ld_bitrate` Mbit/s), `thumbnail.png` (first frame of the main
    movie) and `tile.png` (scrubbing sprite; None when it could not be built). Both movies are
    H.264/yuv420p mp4 with faststart at `fps` frames per second and an AAC soundtrack (silence
    when the source has none); the picture keeps its aspect, padded with black bars. The
    returned size, duration and file size are those of the main movie (high definition unless
    skipped). `threads` caps the decoder's and each encoder's threads (0: automatic).
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    out_dir = Path(out_dir)
    rate = Fraction(f"{fps:.3f}")
    with open_movie(source) as container:
        video = video_stream(container)
        info = movie_info(container, video, Path(source))
        width, height = target_size(info, width, height)
        lowdef_height = math.floor(height / width * LOWDEF_WIDTH)
        outputs = [
            MovieOutput(
                out_dir / LOWDEF_NAME, LOWDEF_WIDTH, lowdef_height + lowdef_height % 2, ld_bitrate
            )
        ]
        if not skip_highdef:
            outputs.insert(0, MovieOutput(out_dir / HIGHDEF_NAME, width, height, hd_bitrate))
        main = outputs[0]
        # What the fps filter will make of the source: the tile's and the soundtrack's length.
        frames = max(1, round(info.duration * rate))
        tile = TileSheet(main.width / main.height, frames)
        settings = EncodeSettings(rate, preset, threads, max(info.duration, float(frames / rate)))
        with contextlib.ExitStack() as stack:
            temporaries = [
                stack.enter_context(written_atomically(output.path)) for output in outputs
            ]
            thumbnail = stack.enter_context(written_atomically(out_dir / THUMBNAIL_NAME))
            writers = [
                MovieWriter(output, temporary, video, audio_stream(container), settings)
                for output, temporary in zip(outputs, temporaries, strict=True)
            ]
            writers[0].frame_listeners.append(FirstFrameSaver(thumbnail))
            # The low definition writer has the lighter encode: it also draws the tile.
            writers[-1].frame_listeners.append(tile.add)
            _transcode(container, video, writers, settings)
    tile_path = out_dir / TILE_NAME if tile.save(out_dir / TILE_NAME) else None
    result = probe_movie(main.path)
    return NormalizedMovie(
        highdef=None if skip_highdef else outputs[0].path,
        lowdef=outputs[-1].path,
        thumbnail=out_dir / THUMBNAIL_NAME,
        tile=tile_path,
        width=result.width,
        height=result.height,
        duration=result.duration,
        fps=result.fps,
        file_size=result.file_size,
    )


def extract_frame(movie: Path, frame_number: int, target_png: Path) -> None:
    """Write frame `frame_number` (1-based, counted at the movie's frame rate, like Zou's
    extract_frame_from_movie) as a PNG."""
    if frame_number < 1:
        raise ValueError(f"frame numbers start at 1, got {frame_number}")
    with open_movie(movie) as container:
        stream = video_stream(container)
        rate = stream.average_rate or stream.base_rate or Fraction(25)
        start = (stream.start_time or 0) * stream.time_base
        wanted = start + (frame_number - 1) / rate
        # Seek to the keyframe before the wanted time, then decode up to it (accurate seek).
        container.seek(int(wanted / stream.time_base), stream=stream, backward=True)
        for frame in decoded_video(container, stream):
            if frame.pts is not None and frame.pts * frame.time_base >= wanted - 1 / (2 * rate):
                save_frame(frame, Path(target_png))
                return
    raise MediaError(f"Frame {frame_number} is past the end of the movie.")


def make_tile(movie: Path, target_png: Path) -> None:
    """Write the scrubbing sprite sheet of an existing movie."""
    with open_movie(movie) as container:
        stream = video_stream(container)
        info = movie_info(container, stream, Path(movie))
        sheet = TileSheet(info.display_aspect_ratio, info.nb_frames)
        for frame in decoded_video(container, stream):
            sheet.add(frame)
    if not sheet.save(Path(target_png)):
        raise MediaError("No picture to build a tile from.")


def _transcode(
    container: av.container.InputContainer,
    video: av.VideoStream,
    writers: list[MovieWriter],
    settings: EncodeSettings,
) -> None:
    """Decode the source once and hand every frame to every writer."""
    audio = audio_stream(container)
    silence = None if audio is not None else Silence(settings.audio_duration)
    for writer in writers:
        writer.start()
    ending = ABORT
    try:
        for kind, frame in _source_frames(container, video, audio, silence, settings.threads):
            for writer in writers:
                writer.put((kind, frame))
            if any(writer.error for writer in writers):
                break
        else:
            ending = END
    finally:
        for writer in writers:
            writer.put(ending)
        for writer in writers:
            writer.join()
    for writer in writers:
        if isinstance(writer.error, MediaError):
            raise writer.error
        if isinstance(writer.error, av.FFmpegError):
            raise MediaError(f"Movie encoding failed ({reason(writer.error)}).") from writer.error
        if writer.error is not None:
            raise writer.error


def _source_frames(
    container: av.container.InputContainer,
    video: av.VideoStream,
    audio: av.AudioStream | None,
    silence: Silence | None,
    threads: int,
) -> Iterator[tuple[str, av.VideoFrame | av.AudioFrame]]:
    """Decoded frames in demuxing order, timestamps starting at 0 like the ffmpeg command line;
    the silent soundtrack, when there is one, interleaved with the pictures."""
    streams = [video] if audio is None else [video, audio]
    use_threads(video, threads)
    start = Fraction(container.start_time or 0, av.time_base)
    offsets = {stream.index: int(start / stream.time_base) for stream in streams}
    # The fps filter ends the movie at the last picture's end: it needs that picture's duration.
    picture_duration = max(
        1, int(1 / (video.average_rate or video.base_rate or 25) / video.time_base)
    )
    pictures = packets = 0
    for packet in container.demux(*streams):
        is_video = packet.stream.index == video.index
        if is_video and packet.size:
            packets += 1
        try:
            frames = packet.decode()
        except av.InvalidDataError:
            # A damaged packet costs its frame, not the movie, as with the ffmpeg command line.
            continue
        for frame in frames:
            if frame.pts is not None:
                frame.pts -= offsets[packet.stream.index]
            if is_video:
                pictures += 1
                if not frame.duration:
                    frame.duration = picture_duration
                yield "video", frame
                if silence is not None:
                    for silent in silence.until(frame.time or 0.0):
                        yield "audio", silent
            else:
                yield "audio", frame
    if not pictures:
        no_picture()
    if video.frames and packets < video.frames:
        raise MediaError(f"Truncated movie: {packets} of its {video.frames} frames are present.")
    if silence is not None:
        for silent in silence.until(None):
            yield "audio", silent
