"""The movie of a playlist: its previews' movies one after the other, re-encoded at the
project's size and frame rate (Zou's ``concat_filter``: every clip scaled to the output size,
square pixels, soundtracks kept and padded with silence to their picture's length).

Each clip is decoded once; its pictures are retimed to the output frame rate (a picture is
repeated or dropped as the ``fps`` filter would) and its sound goes through a FIFO so that the
AAC encoder always receives whole frames, the clip's sound cut or padded at the end of its
pictures: the playlist's picture and sound stay in step from one clip to the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .errors import MediaError
from .files import written_atomically
from .movie_streams import (
    MovieInfo,
    audio_format,
    audio_stream,
    movie_info,
    no_picture,
    open_movie,
    use_threads,
    video_stream,
)
from .movies import probe_movie, target_size

AUDIO_FORMAT = "fltp"


def concat_movies(
    sources: list[Path], target: Path, width: int | None, height: int, fps: float
) -> MovieInfo:
    """Write ``target``: the ``sources`` concatenated, ``width`` x ``height`` (an unknown width
    follows the first source's ratio) at ``fps``, H.264/yuv420p and AAC in mp4."""
    if not sources:
        raise MediaError("No movie to concatenate.")
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    with open_movie(sources[0]) as first:
        stream = video_stream(first)
        width, height = target_size(movie_info(first, stream, Path(sources[0])), width, height)
        sample_rate, layout = audio_format(audio_stream(first))
    rate = Fraction(f"{fps:.3f}")
    with (
        written_atomically(Path(target)) as temporary,
        av.open(str(temporary), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        writer = _Writer(out, width, height, rate, sample_rate, layout)
        for source in sources:
            writer.add_clip(Path(source))
        writer.close()
    return probe_movie(Path(target))


class _Writer:
    """The output container, its encoders and where the next clip starts."""

    def __init__(
        self,
        out: av.container.OutputContainer,
        width: int,
        height: int,
        rate: Fraction,
        sample_rate: int,
        layout: str,
    ) -> None:
        self.out = out
        self.width, self.height, self.rate = width, height, rate
        self.video = out.add_stream("libx264", rate=rate)
        context = self.video.codec_context
        context.width, context.height, context.pix_fmt = width, height, "yuv420p"
        context.time_base = 1 / rate
        context.sample_aspect_ratio = Fraction(1)
        context.thread_type = "AUTO"
        self.audio = out.add_stream("aac", rate=sample_rate)
        self.audio.codec_context.layout = layout
        self.audio.codec_context.time_base = Fraction(1, sample_rate)
        self.sample_rate = sample_rate
        self.channels = len(av.AudioLayout(layout).channels)
        self.layout = layout
        self.frames = 0  # pictures written so far
        self.samples = 0  # sound samples handed to the encoder so far
        self.handed = 0  # sound samples the clips have handed over so far
        self.sound = av.AudioFifo()

    def add_clip(self, source: Path) -> None:
        with open_movie(source) as container:
            video = video_stream(container)
            info = movie_info(container, video, source)
            start = self.frames
            end = start + max(
                1, round(Fraction(info.duration).limit_denominator(1_000_000) * self.rate)
            )
            sound = self._clip_sound(audio_stream(container))
            last = None
            for kind, frame in _decoded(container, video, sound.stream):
                if kind == "audio":
                    sound.add(frame)
                    self._encode_sound(sound.ready(self._sound_end(end)))
                    continue
                last = frame.reformat(self.width, self.height, "yuv420p")
                # The picture's place at the output rate (a picture without time comes next).
                index = self.frames if frame.time is None else start + round(frame.time * self.rate)
                self._write_pictures(last, min(end, index + 1))
            if last is None:
                no_picture()
            self._write_pictures(last, end)
            self._encode_sound(sound.ready(self._sound_end(end), final=True))

    def close(self) -> None:
        self._mux(self.video.encode(None))
        if self.sound.samples:
            self._encode_audio_frame(self.sound.read())
        self._mux(self.audio.encode(None))

    # ---- pictures ---------------------------------------------------------------------------
    def _write_pictures(self, frame: av.VideoFrame, until: int) -> None:
        """Write ``frame`` as many times as needed to reach picture ``until`` (fps filter)."""
        while self.frames < until:
            frame.pts = self.frames
            frame.time_base = 1 / self.rate
            frame.pict_type = av.video.frame.PictureType.NONE
            self._mux(self.video.encode(frame))
            self.frames += 1

    # ---- sound ------------------------------------------------------------------------------
    def _clip_sound(self, stream: av.AudioStream | None) -> _ClipSound:
        return _ClipSound(stream, self.sample_rate, self.layout, self.channels, self.handed)

    def _sound_end(self, picture_end: int) -> int:
        return round(picture_end / self.rate * self.sample_rate)

    def _encode_sound(self, frames: Iterator[av.AudioFrame]) -> None:
        size = self.audio.codec_context.frame_size or 1024
        for frame in frames:
            frame.pts = None
            self.handed += frame.samples
            self.sound.write(frame)
            while self.sound.samples >= size:
                self._encode_audio_frame(self.sound.read(size))

    def _encode_audio_frame(self, frame: av.AudioFrame) -> None:
        frame.pts = self.samples
        frame.time_base = Fraction(1, self.sample_rate)
        self.samples += frame.samples
        self._mux(self.audio.encode(frame))

    def _mux(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            self.out.mux(packet)


class _ClipSound:
    """One clip's soundtrack in the output format, handed over up to the end of its pictures
    (the rest is dropped), then padded with silence up to it."""

    def __init__(
        self, stream: av.AudioStream | None, rate: int, layout: str, channels: int, start: int
    ) -> None:
        self.stream = stream
        self.layout, self.channels = layout, channels
        self.resampler = av.AudioResampler(format=AUDIO_FORMAT, layout=layout, rate=rate)
        self.fifo = av.AudioFifo()
        # Samples of the output this clip has handed over, counting those before it.
        self.position = start

    def add(self, frame: av.AudioFrame) -> None:
        frame.pts = None
        for resampled in self.resampler.resample(frame):
            resampled.pts = None
            self.fifo.write(resampled)

    def ready(self, end: int, final: bool = False) -> Iterator[av.AudioFrame]:
        if final and self.stream is not None:
            for resampled in self.resampler.resample(None):
                resampled.pts = None
                self.fifo.write(resampled)
        wanted = end - self.position
        if wanted > 0 and self.fifo.samples:
            frame = self.fifo.read(min(wanted, self.fifo.samples))
            self.position += frame.samples
            yield frame
        if final and end > self.position:
            yield self._silence(end - self.position)
            self.position = end

    def _silence(self, samples: int) -> av.AudioFrame:
        frame = av.AudioFrame.from_ndarray(
            np.zeros((self.channels, samples), dtype=np.float32),
            format=AUDIO_FORMAT,
            layout=self.layout,
        )
        frame.sample_rate = self.resampler.rate
        return frame


def _decoded(
    container: av.container.InputContainer,
    video: av.VideoStream,
    audio: av.AudioStream | None,
) -> Iterator[tuple[str, av.VideoFrame | av.AudioFrame]]:
    """Decoded frames in demuxing order, picture times counted from the movie's start."""
    streams = [video] if audio is None else [video, audio]
    use_threads(video, 0)
    start = float(Fraction(container.start_time or 0, av.time_base))
    for packet in container.demux(*streams):
        try:
            frames = packet.decode()
        except av.InvalidDataError:
            continue  # a damaged packet costs its frame, not the playlist
        for frame in frames:
            if packet.stream.index == video.index:
                if frame.time is not None:
                    frame.pts = round((frame.time - start) / frame.time_base)
                yield "video", frame
            else:
                yield "audio", frame
