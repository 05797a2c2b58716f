"""Movie previews with PyAV, encoded with the settings of Zou's ffmpeg calls (`zou/utils/movie.py`).

`normalize_movie` decodes the source once. Every decoded frame goes, through a small bounded
queue, to one writer thread per output movie (high and low definition); each writer has its own
filter graph (fps, scale, format, pad, setsar), x264 and AAC encoders and mp4 muxer. PyAV
releases the GIL while FFmpeg decodes, filters and encodes, so the writers and x264's own
threads keep both cores busy. The first-frame thumbnail and the tile sheet are taken from the
writers' filtered frames, so they cost no second decode either.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.video.reformatter import ColorRange, VideoReformatter
from PIL import Image

from .errors import MediaError
from .files import written_atomically

MOVIE_EXTENSIONS = ("avi", "m4v", "mkv", "mov", "mp4", "webm", "wmv")
LOWDEF_WIDTH = 1280
# A keyframe every 2 frames and no scene-cut keyframes: frame-accurate scrubbing in Kitsu.
X264_OPTIONS = "keyint=2:scenecut=0"
# The silent soundtrack Zou muxes in with ffmpeg's anullsrc defaults.
SILENCE_SAMPLE_RATE = 44100
SILENCE_LAYOUT = "stereo"
TILE_HEIGHT = 100
TILE_COLUMNS = 8
TILE_MAX_ROWS = 480
# File names of the outputs inside `out_dir`.
HIGHDEF_NAME = "highdef.mp4"
LOWDEF_NAME = "lowdef.mp4"
THUMBNAIL_NAME = "thumbnail.png"
TILE_NAME = "tile.png"

logger = logging.getLogger(__name__)

# Items a writer may have waiting: enough to absorb x264's uneven pace, few enough to keep a
# handful of decoded pictures in memory.
_QUEUE_ITEMS = 16
_END = object()
_ABORT = object()
# What ffmpeg's autorotation inserts for each counterclockwise quarter turn of a display matrix.
_UPRIGHT_FILTERS: dict[int, list[tuple[str, str]]] = {
    0: [],
    1: [("transpose", "cclock")],
    2: [("hflip", ""), ("vflip", "")],
    3: [("transpose", "clock")],
}
_UPRIGHT_TRANSPOSES = {
    1: Image.Transpose.ROTATE_90,
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_270,
}


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
    with _open_movie(path) as container:
        stream = _video_stream(container)
        if next(_decoded_video(container, stream), None) is None:
            _no_picture()
        return _movie_info(container, stream, Path(path))


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
    with _open_movie(source) as container:
        video = _video_stream(container)
        info = _movie_info(container, video, Path(source))
        width, height = target_size(info, width, height)
        lowdef_height = math.floor(height / width * LOWDEF_WIDTH)
        outputs = [
            _Output(
                out_dir / LOWDEF_NAME, LOWDEF_WIDTH, lowdef_height + lowdef_height % 2, ld_bitrate
            )
        ]
        if not skip_highdef:
            outputs.insert(0, _Output(out_dir / HIGHDEF_NAME, width, height, hd_bitrate))
        main = outputs[0]
        # What the fps filter will make of the source: the tile's and the soundtrack's length.
        frames = max(1, round(info.duration * rate))
        tile = _TileSheet(main.width / main.height, frames)
        settings = _Settings(rate, preset, threads, max(info.duration, float(frames / rate)))
        with contextlib.ExitStack() as stack:
            temporaries = [
                stack.enter_context(written_atomically(output.path)) for output in outputs
            ]
            thumbnail = stack.enter_context(written_atomically(out_dir / THUMBNAIL_NAME))
            writers = [
                _MovieWriter(output, temporary, video, _audio_stream(container), settings)
                for output, temporary in zip(outputs, temporaries, strict=True)
            ]
            writers[0].frame_listeners.append(_FirstFrameSaver(thumbnail))
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
    with _open_movie(movie) as container:
        stream = _video_stream(container)
        rate = stream.average_rate or stream.base_rate or Fraction(25)
        start = (stream.start_time or 0) * stream.time_base
        wanted = start + (frame_number - 1) / rate
        # Seek to the keyframe before the wanted time, then decode up to it (accurate seek).
        container.seek(int(wanted / stream.time_base), stream=stream, backward=True)
        for frame in _decoded_video(container, stream):
            if frame.pts is not None and frame.pts * frame.time_base >= wanted - 1 / (2 * rate):
                _save_frame(frame, Path(target_png))
                return
    raise MediaError(f"Frame {frame_number} is past the end of the movie.")


def make_tile(movie: Path, target_png: Path) -> None:
    """Write the scrubbing sprite sheet of an existing movie."""
    with _open_movie(movie) as container:
        stream = _video_stream(container)
        info = _movie_info(container, stream, Path(movie))
        sheet = _TileSheet(info.display_aspect_ratio, info.nb_frames)
        for frame in _decoded_video(container, stream):
            sheet.add(frame)
    if not sheet.save(Path(target_png)):
        raise MediaError("No picture to build a tile from.")


@dataclass(frozen=True)
class _Output:
    path: Path
    width: int
    height: int
    bitrate: int  # Mbit/s


@dataclass(frozen=True)
class _Settings:
    rate: Fraction
    preset: str
    threads: int
    # The soundtrack is padded to it (Zou's apad), the silent one cut at it.
    audio_duration: float


class _MovieWriter:
    """One output movie: filter graph, encoders and muxer, fed from a queue by its own thread."""

    def __init__(
        self,
        output: _Output,
        temporary: Path,
        source: av.VideoStream,
        source_audio: av.AudioStream | None,
        settings: _Settings,
    ) -> None:
        self.output = output
        self.settings = settings
        self.frame_listeners: list[Callable[[av.VideoFrame], None]] = []
        self.error: BaseException | None = None
        self._pixel_aspect = _pixel_aspect(source)
        self._queue: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_ITEMS)
        self._container = av.open(
            str(temporary), "w", format="mp4", options={"movflags": "+faststart"}
        )
        self._video = self._add_video_stream()
        self._audio = self._add_audio_stream(source_audio)
        self._video_graph: av.filter.Graph | None = None
        self._audio_graph: av.filter.Graph | None = None
        # Audio packets wait until the video encoder is open: the file header, written with
        # the first packet, needs the video stream's final settings (colour tags).
        self._pending_audio: list[av.Packet] | None = []
        self._thread = threading.Thread(target=self._run, name=f"normalize-{output.path.name}")

    def start(self) -> None:
        self._thread.start()

    def put(self, item: object) -> None:
        self._queue.put(item)

    def join(self) -> None:
        self._thread.join()

    def _add_video_stream(self) -> av.VideoStream:
        bitrate = self.output.bitrate
        stream = self._container.add_stream("libx264", rate=self.settings.rate)
        context = stream.codec_context
        context.width, context.height = self.output.width, self.output.height
        context.pix_fmt = "yuv420p"
        context.time_base = 1 / self.settings.rate
        context.sample_aspect_ratio = Fraction(1)
        context.bit_rate = bitrate * 1_000_000
        context.thread_count = self.settings.threads
        # Frame threads, as the ffmpeg command line; PyAV defaults to x264's sliced threads.
        context.thread_type = "AUTO"
        context.options = {
            "preset": self.settings.preset,
            "x264opts": X264_OPTIONS,
            "maxrate": f"{bitrate}M",
            "bufsize": f"{bitrate * 2}M",
        }
        return stream

    def _add_audio_stream(self, source_audio: av.AudioStream | None) -> av.AudioStream:
        rate, layout = _audio_format(source_audio)
        stream = self._container.add_stream("aac", rate=rate)
        stream.codec_context.layout = layout
        stream.codec_context.time_base = Fraction(1, rate)
        return stream

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _END or item is _ABORT:
                break
            if self.error is None:
                try:
                    self._write(*item)
                except BaseException as error:
                    # Keep draining the queue: the decoding thread must never block on it.
                    self.error = error
        if item is _END and self.error is None:
            try:
                self._flush()
            except BaseException as error:
                self.error = error
        try:
            self._container.close()
        except BaseException as error:
            self.error = self.error or error

    def _write(self, kind: str, frame: av.VideoFrame | av.AudioFrame) -> None:
        if kind == "video":
            if self._video_graph is None:
                self._video_graph = self._build_video_graph(frame)
            self._video_graph.push(frame)
            self._encode_video(_pulled(self._video_graph))
        else:
            if self._audio_graph is None:
                self._audio_graph = self._build_audio_graph(frame)
            self._audio_graph.push(frame)
            self._encode_audio(_pulled(self._audio_graph))

    def _flush(self) -> None:
        if self._video_graph is None:
            raise MediaError("No decodable picture in the movie.")
        self._video_graph.push(None)
        self._encode_video(_pulled(self._video_graph))
        self._mux(self._video.encode(None))
        if self._audio_graph is None:
            # A soundtrack without one decodable frame: silence rather than an empty track.
            for frame in _Silence(self.settings.audio_duration).until(None):
                self._write("audio", frame)
        if self._audio_graph is not None:
            self._audio_graph.push(None)
            self._encode_audio(_pulled(self._audio_graph))
        self._mux_audio(self._audio.encode(None))

    def _encode_video(self, frames: Iterator[av.VideoFrame]) -> None:
        for frame in frames:
            # The decoder's picture types would otherwise force x264's frame types.
            frame.pict_type = av.video.frame.PictureType.NONE
            for listener in self.frame_listeners:
                listener(frame)
            if self._pending_audio is not None:
                _copy_colour_tags(frame, self._video.codec_context)
            self._mux(self._video.encode(frame))
            if self._pending_audio is not None:
                pending, self._pending_audio = self._pending_audio, None
                self._mux(pending)

    def _encode_audio(self, frames: Iterator[av.AudioFrame]) -> None:
        for frame in frames:
            self._mux_audio(self._audio.encode(frame))

    def _mux_audio(self, packets: list[av.Packet]) -> None:
        if self._pending_audio is None:
            self._mux(packets)
        else:
            self._pending_audio.extend(packets)

    def _mux(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            self._container.mux(packet)

    def _build_video_graph(self, frame: av.VideoFrame) -> av.filter.Graph:
        """Zou's -vf after ffmpeg's autorotation, fps first: upright, de-anamorphosed and fitted
        in one scale, padded to the output size."""
        output = self.output
        turns = _quarter_turns(frame)
        width, height, pixel_aspect = frame.width, frame.height, self._pixel_aspect
        if turns % 2:
            width, height, pixel_aspect = height, width, 1 / pixel_aspect
        fit = _fitted_size(width, height, pixel_aspect, output.width, output.height)
        graph = av.filter.Graph()
        nodes = [
            graph.add(
                "buffer",
                f"video_size={frame.width}x{frame.height}:pix_fmt={frame.format.name}"
                f":time_base={frame.time_base}:pixel_aspect=1/1"
                f":colorspace={frame.colorspace}:range={frame.color_range}",
            ),
            # Frame-rate conversion first: dropped frames are never scaled.
            graph.add("fps", f"fps={self.settings.rate}"),
            *(graph.add(name, args) for name, args in _UPRIGHT_FILTERS[turns]),
            graph.add("scale", f"{fit[0]}:{fit[1]}:flags=bicubic{_limited_range(frame)}"),
            graph.add("format", "yuv420p"),
        ]
        if fit != (output.width, output.height):
            nodes.append(graph.add("pad", f"{output.width}:{output.height}:(ow-iw)/2:(oh-ih)/2"))
        nodes += [graph.add("setsar", "1"), graph.add("buffersink")]
        graph.link_nodes(*nodes).configure()
        return graph

    def _build_audio_graph(self, frame: av.AudioFrame) -> av.filter.Graph:
        """Pad the soundtrack with silence up to the video duration (Zou's apad), in the
        encoder's sample format, rate and layout."""
        context = self._audio.codec_context
        graph = av.filter.Graph()
        nodes = [
            graph.add(
                "abuffer",
                f"sample_rate={frame.sample_rate}:sample_fmt={frame.format.name}"
                f":channel_layout={frame.layout.name}:time_base={frame.time_base}",
            )
        ]
        if self.settings.audio_duration > 0:
            nodes.append(graph.add("apad", f"whole_dur={self.settings.audio_duration:.6f}"))
        nodes += [
            graph.add(
                "aformat",
                f"sample_fmts={context.format.name}:sample_rates={context.sample_rate}"
                f":channel_layouts={context.layout.name}",
            ),
            graph.add("abuffersink"),
        ]
        graph.link_nodes(*nodes).configure()
        graph.set_audio_frame_size(context.frame_size or 1024)
        return graph


class _FirstFrameSaver:
    """Frame listener writing the first picture it sees as a PNG."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.done = False

    def __call__(self, frame: av.VideoFrame) -> None:
        if not self.done:
            frame.to_image().save(self.target, "PNG")
            self.done = True


class _TileSheet:
    """Zou's scrubbing sprite, pasted frame by frame: cells of `TILE_HEIGHT` px high, 8 per row,
    at most 480 rows, every n-th frame when the movie has more frames than cells."""

    def __init__(self, display_aspect_ratio: float, expected_frames: int) -> None:
        self.cell = (math.ceil(TILE_HEIGHT * display_aspect_ratio), TILE_HEIGHT)
        capacity = TILE_COLUMNS * TILE_MAX_ROWS
        self.step = max(1, math.ceil(expected_frames / capacity))
        self.rows = min(
            max(1, math.ceil(math.ceil(expected_frames / self.step) / TILE_COLUMNS)), TILE_MAX_ROWS
        )
        self.sheet = Image.new("RGB", (self.cell[0] * TILE_COLUMNS, self.cell[1] * self.rows))
        # One scaler for every cell: a fresh one per frame costs 4x as much (filter set-up).
        self._scaler = VideoReformatter()
        self.seen = 0
        self.placed = 0
        self.failed = False

    def add(self, frame: av.VideoFrame) -> None:
        index, self.seen = self.seen, self.seen + 1
        if self.failed or index % self.step or self.placed == TILE_COLUMNS * TILE_MAX_ROWS:
            return
        try:
            row, column = divmod(self.placed, TILE_COLUMNS)
            if row == self.rows:
                self._grow()
            cell = self._scaler.reformat(
                frame, self.cell[0], self.cell[1], "rgb24", interpolation="BICUBIC"
            )
            self.sheet.paste(cell.to_image(), (column * self.cell[0], row * self.cell[1]))
            self.placed += 1
        except Exception:
            # The tile is a convenience: a failure loses it, not the movie.
            logger.warning("Tile sheet abandoned", exc_info=True)
            self.failed = True

    def save(self, target: Path) -> bool:
        """Write the sheet cropped to the rows in use; False when there is nothing valid."""
        if self.failed or not self.placed:
            return False
        used_rows = math.ceil(self.placed / TILE_COLUMNS)
        sheet = self.sheet.crop((0, 0, self.sheet.width, used_rows * self.cell[1]))
        try:
            with written_atomically(target) as temporary:
                sheet.save(temporary, "PNG")
        except OSError:
            logger.warning("Tile sheet not written", exc_info=True)
            return False
        return True

    def _grow(self) -> None:
        # The frame count was an estimate from the source duration: make room for more rows.
        self.rows = min(self.rows * 2, TILE_MAX_ROWS)
        grown = Image.new("RGB", (self.sheet.width, self.cell[1] * self.rows))
        grown.paste(self.sheet, (0, 0))
        self.sheet = grown


class _Silence:
    """The silent soundtrack of a source without one: ffmpeg's anullsrc, stereo 44.1 kHz, cut
    at the duration of the output video."""

    def __init__(self, seconds: float) -> None:
        self._graph = av.filter.Graph()
        self._graph.link_nodes(
            self._graph.add(
                "anullsrc",
                f"channel_layout={SILENCE_LAYOUT}:sample_rate={SILENCE_SAMPLE_RATE}"
                f":nb_samples=1024:duration={max(seconds, 0):.6f}",
            ),
            self._graph.add("abuffersink"),
        ).configure()
        self._next = self._pull()

    def until(self, seconds: float | None) -> Iterator[av.AudioFrame]:
        """Silence frames starting before `seconds` (all that remain when None)."""
        while self._next is not None and (seconds is None or self._next.time < seconds):
            yield self._next
            self._next = self._pull()

    def _pull(self) -> av.AudioFrame | None:
        return next(_pulled(self._graph), None)


def _transcode(
    container: av.container.InputContainer,
    video: av.VideoStream,
    writers: list[_MovieWriter],
    settings: _Settings,
) -> None:
    """Decode the source once and hand every frame to every writer."""
    audio = _audio_stream(container)
    silence = None if audio is not None else _Silence(settings.audio_duration)
    for writer in writers:
        writer.start()
    ending = _ABORT
    try:
        for kind, frame in _source_frames(container, video, audio, silence, settings.threads):
            for writer in writers:
                writer.put((kind, frame))
            if any(writer.error for writer in writers):
                break
        else:
            ending = _END
    finally:
        for writer in writers:
            writer.put(ending)
        for writer in writers:
            writer.join()
    for writer in writers:
        if isinstance(writer.error, MediaError):
            raise writer.error
        if isinstance(writer.error, av.FFmpegError):
            raise MediaError(f"Movie encoding failed ({_reason(writer.error)}).") from writer.error
        if writer.error is not None:
            raise writer.error


def _source_frames(
    container: av.container.InputContainer,
    video: av.VideoStream,
    audio: av.AudioStream | None,
    silence: _Silence | None,
    threads: int,
) -> Iterator[tuple[str, av.VideoFrame | av.AudioFrame]]:
    """Decoded frames in demuxing order, timestamps starting at 0 like the ffmpeg command line;
    the silent soundtrack, when there is one, interleaved with the pictures."""
    streams = [video] if audio is None else [video, audio]
    _use_threads(video, threads)
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
        _no_picture()
    if video.frames and packets < video.frames:
        raise MediaError(f"Truncated movie: {packets} of its {video.frames} frames are present.")
    if silence is not None:
        for silent in silence.until(None):
            yield "audio", silent


@contextlib.contextmanager
def _open_movie(path: Path) -> Iterator[av.container.InputContainer]:
    """Open a movie for reading; FFmpeg's errors, on opening or later, become MediaError."""
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as error:
        raise MediaError(f"Not a readable movie ({_reason(error)}).") from error
    with container:
        try:
            yield container
        except av.FFmpegError as error:
            raise MediaError(f"Broken movie ({_reason(error)}).") from error


def _video_stream(container: av.container.InputContainer) -> av.VideoStream:
    """The first video stream that is a movie, not an attached cover picture."""
    for stream in container.streams.video:
        if (
            not stream.disposition & av.stream.Disposition.attached_pic
            and stream.codec_context.width
        ):
            return stream
    raise MediaError("The file has no video stream.")


def _audio_stream(container: av.container.InputContainer) -> av.AudioStream | None:
    return next(iter(container.streams.audio), None)


def _decoded_video(
    container: av.container.InputContainer, stream: av.VideoStream
) -> Iterator[av.VideoFrame]:
    _use_threads(stream, 0)
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            continue


def _use_threads(stream: av.VideoStream, count: int) -> None:
    # Frame and slice threads, as the ffmpeg command line decodes.
    if not stream.codec_context.is_open:
        stream.thread_type = "AUTO"
        stream.thread_count = count


def _movie_info(
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
        has_audio=_audio_stream(container) is not None,
        display_aspect_ratio=float(width * _pixel_aspect(stream) / height),
        nb_frames=stream.frames or round(duration * fps),
        file_size=path.stat().st_size,
    )


def _pixel_aspect(stream: av.VideoStream) -> Fraction:
    sar = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    return Fraction(sar) if sar and sar > 0 else Fraction(1)


def _fitted_size(
    width: int, height: int, pixel_aspect: Fraction, box_width: int, box_height: int
) -> tuple[int, int]:
    """The picture size of Zou's filters: `scale=trunc(iw*sar/2)*2:ih` to square pixels, then
    `scale=W:H:force_original_aspect_ratio=decrease:force_divisible_by=2` (FFmpeg's rounding)."""
    width = max(2, math.trunc(width * pixel_aspect / 2) * 2)
    fit_width = min(box_width, _rescale(box_height, width, height * 2) * 2)
    fit_height = min(box_height, _rescale(box_width, height, width * 2) * 2)
    return max(2, fit_width - fit_width % 2), max(2, fit_height - fit_height % 2)


def _limited_range(frame: av.VideoFrame) -> str:
    """The scale option turning a full-range (JPEG) picture to limited range for yuv420p, as
    ffmpeg 6 does; nothing otherwise, so that a picture already at size passes through."""
    full = frame.color_range == ColorRange.JPEG or frame.format.name.startswith("yuvj")
    return ":out_range=tv" if full else ""


def _quarter_turns(frame: av.VideoFrame) -> int:
    """Counterclockwise quarter turns the display matrix asks for (phone movies)."""
    return round(frame.rotation / 90) % 4


def _rescale(a: int, b: int, c: int) -> int:
    """a * b / c rounded to the nearest integer, as FFmpeg's av_rescale."""
    return (a * b + c // 2) // c


def _audio_format(source: av.AudioStream | None) -> tuple[int, str]:
    """Sample rate and layout of the AAC track: the source's when AAC takes them, else the
    silent track's (a layout of unknown channel order is stereo unless mono)."""
    if source is None:
        return SILENCE_SAMPLE_RATE, SILENCE_LAYOUT
    context = source.codec_context
    layout = context.layout.name
    if layout.endswith(" channels"):
        layout = "mono" if context.channels == 1 else SILENCE_LAYOUT
    rate = context.sample_rate if _aac_accepts(context.sample_rate, layout) else SILENCE_SAMPLE_RATE
    return rate, layout if _aac_accepts(rate, layout) else SILENCE_LAYOUT


@functools.cache
def _aac_accepts(rate: int, layout: str) -> bool:
    encoder = av.CodecContext.create("aac", "w")
    try:
        encoder.sample_rate, encoder.layout, encoder.format = rate, layout, "fltp"
        encoder.time_base = Fraction(1, max(rate, 1))
        encoder.open()
    except (av.FFmpegError, ValueError):
        return False
    return True


def _copy_colour_tags(frame: av.VideoFrame, context: av.VideoCodecContext) -> None:
    # The ffmpeg command line tags the output with the colour properties of its first frame.
    context.color_range = frame.color_range
    context.color_primaries = frame.color_primaries
    context.color_trc = frame.color_trc
    context.colorspace = frame.colorspace


def _pulled(graph: av.filter.Graph) -> Iterator[av.VideoFrame | av.AudioFrame]:
    """Every frame the graph's sink has ready."""
    while True:
        try:
            yield graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return


def _save_frame(frame: av.VideoFrame, target: Path) -> None:
    image = frame.to_image()
    if turns := _quarter_turns(frame):
        image = image.transpose(_UPRIGHT_TRANSPOSES[turns])
    with written_atomically(target) as temporary:
        image.save(temporary, "PNG")


def _no_picture() -> None:
    raise MediaError("No decodable picture in the movie.")


def _reason(error: av.FFmpegError) -> str:
    return error.strerror or type(error).__name__
