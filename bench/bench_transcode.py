#!/usr/bin/env python3
"""kitsu-local's movie normalisation against the ffmpeg command lines Zou runs.

Generates a 10-second 1080p clip (25 fps, H.264 with B-frames, no audio), then times, each
`--runs` times, interleaved, each pipeline in its own processes:

  kitsu-local   normalize_movie(clip, out, 1920, 1080, 25): HD + LD movies, thumbnail and tile
                from a single decode (interpreter start and imports included)
  zou-ffmpeg    the commands of Zou 1.0.97's normalize_movie (zou/utils/movie.py): add the
                silent soundtrack (anullsrc, -shortest) and copy it over the upload, then the
                HD encode, then the LD encode; the thumbnail and tile commands are not counted
  ffmpeg-1pass  for reference: one ffmpeg process writing both movies from one decode

and prints the wall and CPU time of each run, the medians, the ratio kitsu-local / zou-ffmpeg
(target: 1.1 at most) and the peak resident memory (largest process of the pipeline).

    .venv/bin/python bench/bench_transcode.py [--runs 2] [--ffmpeg PATH] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.clips import make_clip  # noqa: E402

REFZOU_FFMPEG = "/var/lib/refzou/venv/ffmpeg-bin/ffmpeg"
WIDTH, HEIGHT, FPS = 1920, 1080, 25
HD_BITRATE, LD_BITRATE = 28, 6
LD_WIDTH, LD_HEIGHT = 1280, 720
KITSU_LOCAL_CHILD = (
    "import sys; from kitsu_local.media import normalize_movie; "
    f"normalize_movie(sys.argv[1], sys.argv[2], {WIDTH}, {HEIGHT}, {FPS})"
)


@dataclass(frozen=True)
class Measure:
    wall: float  # seconds
    cpu: float  # user + system seconds of the processes
    peak_kib: int  # largest peak RSS among the processes


@dataclass(frozen=True)
class Pipeline:
    commands: list[list]  # what runs, for the record
    run: Callable[[], Measure]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--ffmpeg", default=None, help="ffmpeg binary of the reference runs")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    ffmpeg = args.ffmpeg or default_ffmpeg()
    if ffmpeg is None:
        sys.exit("no ffmpeg found: pass --ffmpeg PATH")

    with tempfile.TemporaryDirectory(prefix="bench-transcode-") as scratch:
        work = Path(scratch)
        clip = work / "clip.mp4"
        print(
            f"clip: {args.seconds:g} s, {WIDTH}x{HEIGHT}, {FPS} fps, H.264 with B-frames, no audio"
        )
        make_clip(clip, args.seconds, WIDTH, HEIGHT, fps=FPS, audio=False, bframes=True)
        print(f"ffmpeg: {ffmpeg}\n")
        pipelines = {
            "kitsu-local": kitsu_local_pipeline(clip, work),
            "zou-ffmpeg": zou_pipeline(ffmpeg, clip, work, args.seconds),
            "ffmpeg-1pass": single_pass_pipeline(ffmpeg, clip, work, args.seconds),
        }
        for name, pipeline in pipelines.items():
            print(f"{name}:")
            for command in pipeline.commands:
                print("  " + shlex.join(str(part) for part in command))
        print()

        measures: dict[str, list[Measure]] = {name: [] for name in pipelines}
        for run in range(1, args.runs + 1):
            for name, pipeline in pipelines.items():
                measure = pipeline.run()
                measures[name].append(measure)
                print(f"run {run} {name:<13} {report(measure)}")
        print()
        medians = {name: statistics.median(m.wall for m in runs) for name, runs in measures.items()}
        for name, runs in measures.items():
            median = Measure(
                medians[name],
                statistics.median(m.cpu for m in runs),
                max(m.peak_kib for m in runs),
            )
            print(f"median {name:<13} {report(median)}")
        ratio = medians["kitsu-local"] / medians["zou-ffmpeg"]
        verdict = "met" if ratio <= 1.1 else "MISSED"
        print(f"\nwall ratio kitsu-local / zou-ffmpeg   {ratio:.3f}  (target <= 1.1: {verdict})")
        single = medians["kitsu-local"] / medians["ffmpeg-1pass"]
        print(f"wall ratio kitsu-local / ffmpeg-1pass {single:.3f}")


def default_ffmpeg() -> str | None:
    """$KITSU_LOCAL_BENCH_FFMPEG, the reference Zou's static build, imageio-ffmpeg's, PATH's."""
    if os.environ.get("KITSU_LOCAL_BENCH_FFMPEG"):
        return os.environ["KITSU_LOCAL_BENCH_FFMPEG"]
    if os.access(REFZOU_FFMPEG, os.X_OK):
        return REFZOU_FFMPEG
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except ImportError:
        return shutil.which("ffmpeg")


def kitsu_local_pipeline(clip: Path, work: Path) -> Pipeline:
    out = work / "kitsu-local"
    command = [sys.executable, "-c", KITSU_LOCAL_CHILD, clip, out]

    def run() -> Measure:
        shutil.rmtree(out, ignore_errors=True)
        return timed([command])

    return Pipeline([command], run)


def zou_pipeline(ffmpeg: str, clip: Path, work: Path, seconds: float) -> Pipeline:
    """Zou's add_empty_soundtrack, then normalize_encoding for the HD and the LD movie."""
    upload = work / "zou-upload.mp4.tmp"
    with_audio = Path(f"{upload}_empty_audio.mp4")
    soundtrack = [
        ffmpeg, *words("-hide_banner -loglevel error -y -f lavfi -i anullsrc -i"), upload,
        *words("-c:v copy -c:a aac -map 0:a -map 1:v -shortest"), with_audio,
    ]  # fmt: skip
    encodes = [
        zou_encode(ffmpeg, upload, work / "zou-hd.mp4", WIDTH, HEIGHT, HD_BITRATE, seconds),
        zou_encode(ffmpeg, upload, work / "zou-ld.mp4", LD_WIDTH, LD_HEIGHT, LD_BITRATE, seconds),
    ]

    def run() -> Measure:
        shutil.copyfile(clip, upload)
        started = time.perf_counter()
        first = timed([soundtrack])
        # Zou copies the movie with its soundtrack over the upload (the durations match here,
        # so its trimming pass does not run).
        shutil.copyfile(with_audio, upload)
        with_audio.unlink()
        rest = timed(encodes)
        return Measure(
            time.perf_counter() - started, first.cpu + rest.cpu, max(first.peak_kib, rest.peak_kib)
        )

    return Pipeline([soundtrack, ["cp", with_audio, upload], *encodes], run)


def zou_encode(
    ffmpeg: str, source: Path, target: Path, width: int, height: int, bitrate: int, seconds: float
) -> list:
    """The command ffmpeg-python builds in Zou's normalize_encoding (its options sorted)."""
    return [
        ffmpeg, *words("-hide_banner -loglevel error -i"), source,
        *words("-map 0:v -map 0:a -af"), f"apad=whole_dur={seconds:g}",
        "-b", f"{bitrate}M", "-bufsize", f"{bitrate * 2}M", "-f", "mp4", "-maxrate", f"{bitrate}M",
        *words(f"-movflags +faststart -pix_fmt yuv420p -preset medium -r {FPS} -vcodec libx264"),
        "-vf", zou_filters(width, height), *words("-x264opts keyint=2:scenecut=0"), target, "-y",
    ]  # fmt: skip


def single_pass_pipeline(ffmpeg: str, clip: Path, work: Path, seconds: float) -> Pipeline:
    """Both movies from one ffmpeg process: one decode, split into the two filter chains."""
    graph = (
        f"[1:v]split=2[a][b];[a]{zou_filters(WIDTH, HEIGHT)}[hd];"
        f"[b]{zou_filters(LD_WIDTH, LD_HEIGHT)}[ld];[0:a]asplit=2[ahd][ald]"
    )
    command = [
        ffmpeg, *words("-hide_banner -loglevel error -y -f lavfi -t"), f"{seconds:g}",
        *words("-i anullsrc -i"), clip, "-filter_complex", graph,
    ]  # fmt: skip
    for video, audio, bitrate in (("hd", "ahd", HD_BITRATE), ("ld", "ald", LD_BITRATE)):
        command += [
            "-map", f"[{video}]", "-map", f"[{audio}]",
            *words(f"-c:v libx264 -preset medium -pix_fmt yuv420p -r {FPS}"),
            "-b:v", f"{bitrate}M", "-maxrate", f"{bitrate}M", "-bufsize", f"{bitrate * 2}M",
            *words("-x264opts keyint=2:scenecut=0 -c:a aac -movflags +faststart"),
            work / f"1pass-{video}.mp4",
        ]  # fmt: skip
    return Pipeline([command], lambda: timed([command]))


def zou_filters(width: int, height: int) -> str:
    return (
        "scale=trunc(iw*sar/2)*2:ih,"
        f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1"
    )


def timed(commands: list[list]) -> Measure:
    """Run the commands one after the other, measuring each process."""
    started = time.perf_counter()
    cpu, peak = 0.0, 0
    for command in commands:
        process = subprocess.Popen([str(part) for part in command], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            sys.exit(f"failed ({process.returncode}): {shlex.join(str(p) for p in command)}")
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss)
    return Measure(time.perf_counter() - started, cpu, peak)


def words(text: str) -> list[str]:
    return text.split()


def report(measure: Measure) -> str:
    return (
        f"wall {measure.wall:6.2f} s   cpu {measure.cpu:6.2f} s   "
        f"peak RSS {measure.peak_kib / 1024:6.1f} MiB"
    )


if __name__ == "__main__":
    main()
