"""One output movie of ``normalize_movie``: its filter graph (fps, scale, format, pad, setsar),
x264 and AAC encoders and mp4 muxer, fed from a bounded queue by a thread of its own; and the
silent soundtrack muxed in when the source has none (Zou's anullsrc)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from .errors import MediaError
from .movie_streams import (
    SILENCE_LAYOUT,
    SILENCE_SAMPLE_RATE,
    UPRIGHT_FILTERS,
    audio_format,
    copy_colour_tags,
    fitted_size,
    limited_range,
    pixel_aspect,
    pulled,
    quarter_turns,
)

logger = logging.getLogger(__name__)

# A keyframe every 2 frames and no scene-cut keyframes: frame-accurate scrubbing in Kitsu.
X264_OPTIONS = "keyint=2:scenecut=0"
# Items a writer may have waiting: enough to absorb x264's uneven pace, few enough to keep a
# handful of decoded pictures in memory.
_QUEUE_ITEMS = 16
END = object()
ABORT = object()


@dataclass(frozen=True)
class MovieOutput:
    path: Path
    width: int
    height: int
    bitrate: int  # Mbit/s


@dataclass(frozen=True)
class EncodeSettings:
    rate: Fraction
    preset: str
    threads: int
    # The soundtrack is padded to it (Zou's apad), the silent one cut at it.
    audio_duration: float


class MovieWriter:
    """One output movie: filter graph, encoders and muxer, fed from a queue by its own thread."""

    def __init__(
        self,
        output: MovieOutput,
        temporary: Path,
        source: av.VideoStream,
        source_audio: av.AudioStream | None,
        settings: EncodeSettings,
    ) -> None:
        self.output = output
        self.settings = settings
        self.frame_listeners: list[Callable[[av.VideoFrame], None]] = []
        self.error: BaseException | None = None
        self._pixel_aspect = pixel_aspect(source)
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
        rate, layout = audio_format(source_audio)
        stream = self._container.add_stream("aac", rate=rate)
        stream.codec_context.layout = layout
        stream.codec_context.time_base = Fraction(1, rate)
        return stream

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is END or item is ABORT:
                break
            if self.error is None:
                try:
                    self._write(*item)
                except BaseException as error:
                    # Keep draining the queue: the decoding thread must never block on it.
                    self.error = error
        if item is END and self.error is None:
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
            self._encode_video(pulled(self._video_graph))
        else:
            if self._audio_graph is None:
                self._audio_graph = self._build_audio_graph(frame)
            self._audio_graph.push(frame)
            self._encode_audio(pulled(self._audio_graph))

    def _flush(self) -> None:
        if self._video_graph is None:
            raise MediaError("No decodable picture in the movie.")
        self._video_graph.push(None)
        self._encode_video(pulled(self._video_graph))
        self._mux(self._video.encode(None))
        if self._audio_graph is None:
            # A soundtrack without one decodable frame: silence rather than an empty track.
            for frame in Silence(self.settings.audio_duration).until(None):
                self._write("audio", frame)
        if self._audio_graph is not None:
            self._audio_graph.push(None)
            self._encode_audio(pulled(self._audio_graph))
        self._mux_audio(self._audio.encode(None))

    def _encode_video(self, frames: Iterator[av.VideoFrame]) -> None:
        for frame in frames:
            # The decoder's picture types would otherwise force x264's frame types.
            frame.pict_type = av.video.frame.PictureType.NONE
            for listener in self.frame_listeners:
                listener(frame)
            if self._pending_audio is not None:
                copy_colour_tags(frame, self._video.codec_context)
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
        turns = quarter_turns(frame)
        width, height, pixel_aspect = frame.width, frame.height, self._pixel_aspect
        if turns % 2:
            width, height, pixel_aspect = height, width, 1 / pixel_aspect
        fit = fitted_size(width, height, pixel_aspect, output.width, output.height)
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
            *(graph.add(name, args) for name, args in UPRIGHT_FILTERS[turns]),
            graph.add("scale", f"{fit[0]}:{fit[1]}:flags=bicubic{limited_range(frame)}"),
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


class Silence:
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
        return next(pulled(self._graph), None)
