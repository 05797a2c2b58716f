"""kitsu_local.media: derivatives of generated movies and pictures, read back with PyAV and Pillow."""

from __future__ import annotations

import os
import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from av.video.reformatter import ColorRange
from PIL import Image

from kitsu_local.media import (
    MediaError,
    extract_frame,
    make_avatar,
    make_background_thumbnail,
    make_picture_derivatives,
    make_thumbnail_of_frame,
    make_tile,
    normalize_movie,
    probe_movie,
    target_size,
)
from kitsu_local.media.pictures import fitted_size
from kitsu_local.media.tiles import TileSheet

from .support.clips import MARKER, make_clip, make_hdr, make_picture


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


# --- movies -------------------------------------------------------------------------------


def test_full_hd_source_with_b_frames_and_no_audio(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "hd.mp4", 3, 1920, 1080, bframes=True)
    assert _has_b_frames(source)

    result = normalize_movie(source, tmp_path, 1920, 1080, 25)

    assert sorted(os.listdir(tmp_path)) == [
        "highdef.mp4",
        "lowdef.mp4",
        "thumbnail.png",
        "tile.png",
    ]
    for movie, size, bitrate in (
        (result.highdef, (1920, 1080), 28000),
        (result.lowdef, (1280, 720), 6000),
    ):
        facts = _facts(movie)
        assert (facts["codec"], facts["pix_fmt"], facts["size"]) == ("h264", "yuv420p", size)
        assert facts["rate"] == 25 and facts["frames"] == 75
        assert facts["duration"] == pytest.approx(3, abs=1 / 25)
        assert facts["audio"] == ("aac", 44100, 2)
        assert facts["audio_duration"] == pytest.approx(facts["duration"], abs=0.05)
        assert facts["keyframes"] == list(range(0, 75, 2))
        assert _atoms(movie).index("moov") < _atoms(movie).index("mdat")
        x264 = _x264_settings(movie)
        assert x264["bitrate"] == x264["vbv_maxrate"] == str(bitrate)
        assert x264["vbv_bufsize"] == str(2 * bitrate)
        assert (x264["keyint"], x264["scenecut"], x264["sliced_threads"]) == ("2", "0", "0")
    assert (result.width, result.height, result.fps) == (1920, 1080, 25)
    assert result.duration == pytest.approx(3, abs=1 / 25)
    assert result.file_size == result.highdef.stat().st_size
    assert Image.open(result.thumbnail).size == (1920, 1080)
    # 75 frames of 178x100 (ceil(100 * 16/9)), 8 per row.
    assert Image.open(result.tile).size == (8 * 178, 10 * 100)


def test_source_soundtrack_is_kept_and_padded_to_the_video(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "tone.mov", 2, 640, 360, audio=True, audio_seconds=1.2)

    result = normalize_movie(source, tmp_path, None, 360, 25)

    facts = _facts(result.highdef)
    assert facts["size"] == (640, 360) and facts["audio"] == ("aac", 44100, 2)
    assert facts["audio_duration"] == pytest.approx(2, abs=0.05)
    samples = _audio_samples(result.highdef)
    assert np.abs(samples[: 44100 // 2]).max() > 0.05  # the tone (sine amplitude 1/8)
    assert np.abs(samples[int(44100 * 1.4) :]).max() < 1e-3  # the padding
    assert _facts(result.lowdef)["size"] == (1280, 720)


def test_odd_sized_source_gets_even_sizes(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "odd.mp4", 1, 721, 405)
    assert target_size(probe_movie(source), None, 1080) == (1922, 1080)

    result = normalize_movie(source, tmp_path, None, 1080, 25)

    assert _facts(result.highdef)["size"] == (1922, 1080)
    # floor(1080 / 1922 * 1280) = 719, rounded up to even.
    assert _facts(result.lowdef)["size"] == (1280, 720)
    assert _facts(result.highdef)["frames"] == 25


def test_camera_avi_with_full_range_mjpeg_and_mono_pcm(clips: Path, tmp_path: Path) -> None:
    source = make_clip(
        clips / "camera.avi",
        1,
        641,
        361,
        audio=True,
        video_codec="mjpeg",
        audio_codec="pcm_s16le",
        audio_rate=8000,
        audio_layout="mono",
    )

    result = normalize_movie(source, tmp_path, None, 360, 25)

    facts = _facts(result.highdef)
    assert (facts["pix_fmt"], facts["size"], facts["frames"]) == ("yuv420p", (640, 360), 25)
    assert facts["audio"] == ("aac", 8000, 1)
    with av.open(str(result.highdef)) as movie:
        assert movie.streams.video[0].codec_context.color_range == ColorRange.MPEG


def test_narrower_source_is_pillarboxed_with_black_bars(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "four-three.mp4", 0.4, 640, 480)

    result = normalize_movie(source, tmp_path, 1920, 1080, 25)

    # 4:3 in 16:9: a 1440 px wide picture between two 240 px bars.
    assert _content_columns(_first_frame(result.highdef)) == pytest.approx((240, 1680), abs=2)
    assert _content_columns(_first_frame(result.lowdef)) == pytest.approx((160, 1120), abs=2)
    assert _content_columns(np.asarray(Image.open(result.thumbnail))) == pytest.approx(
        (240, 1680), abs=2
    )


def test_anamorphic_source_is_fitted_by_its_display_size(clips: Path, tmp_path: Path) -> None:
    # 720x576 with 16:15 pixels displays as 768x576, that is 4:3.
    source = make_clip(clips / "anamorphic.mp4", 0.4, 720, 576, sar=Fraction(16, 15))
    assert probe_movie(source).display_aspect_ratio == pytest.approx(4 / 3)

    result = normalize_movie(source, tmp_path, 1920, 1080, 25)

    assert _content_columns(_first_frame(result.highdef)) == pytest.approx((240, 1680), abs=2)
    # 10 frames: two rows of 16:9 cells.
    assert Image.open(result.tile).size == (8 * 178, 200)


def test_phone_movie_is_turned_upright(clips: Path, tmp_path: Path) -> None:
    # Stored 640x360, displayed 360x640 (turned clockwise), as ffmpeg autorotates it.
    source = make_clip(clips / "phone.mp4", 0.4, 640, 360, rotation=-90)

    result = normalize_movie(source, tmp_path, None, 360, 25)
    extract_frame(source, 1, tmp_path / "frame.png")

    # Zou sizes the canvas from the stored size: 640x360, the upright picture 202 px wide in it.
    assert _facts(result.highdef)["size"] == (640, 360)
    assert _content_columns(_first_frame(result.highdef)) == pytest.approx((219, 421), abs=2)
    frame = Image.open(tmp_path / "frame.png")
    assert frame.size == (360, 640)
    # The red band, on the left of the stored picture, is on top once upright.
    assert frame.getpixel((180, 20)) == pytest.approx((255, 0, 0), abs=40)


def test_variable_frame_rate_source_comes_out_at_constant_rate(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "vfr.mkv", 2, 320, 240, fps=30, vfr=True)

    source_duration = probe_movie(source).duration

    result = normalize_movie(source, tmp_path, None, 240, 25, skip_highdef=True)

    assert result.highdef is None and not (tmp_path / "highdef.mp4").exists()
    facts = _facts(result.lowdef)
    assert facts["rate"] == 25 and facts["size"] == (1280, 960)
    assert facts["duration"] == pytest.approx(source_duration, abs=1 / 25)
    assert facts["audio_duration"] == pytest.approx(facts["duration"], abs=0.03)
    assert set(np.diff(facts["pts"])) == {Fraction(1, 25)}
    assert (result.width, result.height) == (1280, 960)
    assert result.file_size == result.lowdef.stat().st_size


@pytest.mark.parametrize(
    "damage", ["random bytes", "empty", "cut before the index", "cut in the middle", "audio only"]
)
def test_unreadable_movies_raise_media_error(clips: Path, tmp_path: Path, damage: str) -> None:
    source = tmp_path / "upload.mp4"
    if damage == "random bytes":
        source.write_bytes(np.random.default_rng(1).bytes(50_000))
    elif damage == "empty":
        source.write_bytes(b"")
    elif damage == "audio only":
        with av.open(str(source), "w") as out:
            stream = out.add_stream("aac", rate=44100)
            silence = np.zeros((2, 1024), dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(silence, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = 44100, 0
            out.mux(stream.encode(frame))
            out.mux(stream.encode(None))
    else:
        whole = make_clip(clips / "whole.mp4", 2, 320, 240)
        if damage == "cut in the middle":
            whole = _faststart(whole, clips / "whole-faststart.mp4")
        source.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    out_dir = tmp_path / "out"

    with pytest.raises(MediaError) as refused:
        normalize_movie(source, out_dir, None, 240, 25)
    if damage != "cut in the middle":  # its first frames are still there to probe
        with pytest.raises(MediaError):
            probe_movie(source)

    assert str(refused.value) and "/" not in str(refused.value)
    assert not out_dir.exists() or os.listdir(out_dir) == []


def test_extract_frame_counts_from_one(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "frames.mp4", 2, 320, 240)
    decoded = [f.to_ndarray(format="rgb24") for f in av.open(str(source)).decode(video=0)]

    extract_frame(source, 1, tmp_path / "first.png")
    extract_frame(source, 37, tmp_path / "later.png")

    assert _close(np.asarray(Image.open(tmp_path / "first.png")), decoded[0])
    assert _close(np.asarray(Image.open(tmp_path / "later.png")), decoded[36])
    assert not _close(decoded[36], decoded[0])
    with pytest.raises(MediaError):
        extract_frame(source, 51, tmp_path / "past.png")


def test_make_tile_of_an_existing_movie(clips: Path, tmp_path: Path) -> None:
    source = make_clip(clips / "tile.mp4", 2, 320, 240)

    make_tile(source, tmp_path / "tile.png")

    # 50 frames of ceil(100 * 4/3) = 134 px: 7 rows, the last one with two frames.
    tile = Image.open(tmp_path / "tile.png")
    assert tile.size == (8 * 134, 700)
    assert tile.getpixel((134 * 2 + 10, 650)) == (0, 0, 0)
    assert tile.getpixel((10, 650)) != (0, 0, 0)


def test_tile_of_a_long_movie_keeps_every_nth_frame() -> None:
    # 8000 frames: only every ceil(8000 / 3840) = 3rd one fits in 480 rows of 8.
    sheet = TileSheet(0.1, 8000)
    frame = av.VideoFrame(16, 16, "yuv420p")
    for _ in range(8000):
        sheet.add(frame)
    assert (sheet.step, sheet.placed) == (3, 2667)
    assert sheet.sheet.size == (8 * 10, 334 * 100)


def test_tile_grows_when_the_movie_has_more_frames_than_expected(tmp_path: Path) -> None:
    sheet = TileSheet(1, 10)
    frame = av.VideoFrame(16, 16, "yuv420p")
    for _ in range(30):
        sheet.add(frame)
    assert sheet.save(tmp_path / "tile.png")
    assert Image.open(tmp_path / "tile.png").size == (800, 400)


def test_movie_thumbnail_set_from_a_frame(tmp_path: Path) -> None:
    frame = make_picture(tmp_path / "frame.png", 1440, 1080)

    pictures = make_thumbnail_of_frame(frame, tmp_path / "set", size=(1920, 1080))

    # The frame fitted in the movie size first, as Zou's turn_into_thumbnail(frame, size).
    original = Image.open(pictures.original)
    assert (original.size, original.mode) == ((1920, 1080), "RGBA")
    assert original.getpixel((100, 540))[3] == 0 and original.getpixel((960, 540))[3] == 255
    assert Image.open(pictures.previews).size == (1200, 675)
    assert Image.open(pictures.thumbnails).size == (150, 100)
    assert (pictures.width, pictures.height) == (1920, 1080)


# --- pictures -----------------------------------------------------------------------------


def test_png_derivatives(tmp_path: Path) -> None:
    source = make_picture(tmp_path / "board.png", 300, 200)

    pictures = make_picture_derivatives(source, tmp_path / "out")

    assert (pictures.width, pictures.height) == (300, 200)
    assert pictures.file_size == pictures.original.stat().st_size
    original = Image.open(pictures.original)
    assert (original.format, original.size, original.mode) == ("PNG", (300, 200), "RGB")
    preview = Image.open(pictures.previews)
    assert (preview.size, preview.mode) == ((1200, 800), "RGBA")
    thumbnail = Image.open(pictures.thumbnails)
    assert thumbnail.size == (150, 100) and thumbnail.getpixel((0, 0))[3] == 255
    square = Image.open(pictures.thumbnails_square)
    # 100x67 letterboxed in 100x100: transparent above and below, not cropped.
    assert square.size == (100, 100)
    assert square.getpixel((50, 10))[3] == 0 and square.getpixel((50, 50))[3] == 255
    assert square.getpixel((50, 90))[3] == 0
    assert square.getpixel((2, 18))[:3] == pytest.approx(MARKER, abs=30)


def test_exif_rotated_jpeg_is_upright(tmp_path: Path) -> None:
    # Orientation 6: the stored 300x200 picture displays turned 90 degrees clockwise.
    source = make_picture(tmp_path / "phone.jpg", 300, 200, "JPEG", exif_orientation=6)

    pictures = make_picture_derivatives(source, tmp_path / "out")

    assert (pictures.width, pictures.height) == (200, 300)
    original = Image.open(pictures.original)
    assert original.size == (200, 300)
    assert original.getpixel((195, 5)) == pytest.approx(MARKER, abs=40)
    assert Image.open(pictures.previews).size == (1200, 1800)


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    source = make_picture(tmp_path / "print.jpg", 400, 300, "JPEG", mode="CMYK")

    pictures = make_picture_derivatives(source, tmp_path / "out")

    original = Image.open(pictures.original)
    assert original.mode == "RGB"
    assert original.getpixel((10, 10)) == pytest.approx(MARKER, abs=40)


def test_transparent_png_keeps_its_alpha(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    image.paste((0, 128, 255, 255), (100, 0, 200, 100))
    image.save(source)

    pictures = make_picture_derivatives(source, tmp_path / "out")

    assert Image.open(pictures.original).mode == "RGBA"
    thumbnail = Image.open(pictures.thumbnails)
    # 150x50 centred in 150x100.
    assert thumbnail.getpixel((75, 10))[3] == 0
    assert thumbnail.getpixel((75, 50)) == pytest.approx((0, 128, 255, 255), abs=3)
    assert thumbnail.getpixel((10, 50))[3] == 0


def test_small_picture_is_upscaled_with_zou_rounding(tmp_path: Path) -> None:
    assert fitted_size((100, 67), (150, 100)) == (149, 100)
    assert fitted_size((3000, 500), (150, 100)) == (150, 25)
    assert fitted_size((3000, 2000), (150, 100)) == (150, 100)
    source = make_picture(tmp_path / "tiny.png", 30, 20)

    pictures = make_picture_derivatives(source, tmp_path / "out")

    assert Image.open(pictures.previews).size == (1200, 800)
    assert Image.open(pictures.previews).getpixel((1199, 799))[3] == 255


def test_truncated_jpeg_is_tolerated_and_garbage_refused(tmp_path: Path) -> None:
    whole = make_picture(tmp_path / "whole.jpg", 640, 480, "JPEG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    assert make_picture_derivatives(cut, tmp_path / "out").width == 640
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(np.random.default_rng(2).bytes(5000))
    for broken in (garbage, tmp_path / "missing.png"):
        with pytest.raises(MediaError):
            make_picture_derivatives(broken, tmp_path / "refused")
    assert not (tmp_path / "refused").exists() or os.listdir(tmp_path / "refused") == []


def test_avatar_is_fitted_and_padded(tmp_path: Path) -> None:
    source = make_picture(tmp_path / "face.jpg", 300, 200, "JPEG")

    make_avatar(source, tmp_path / "avatar.png")

    avatar = Image.open(tmp_path / "avatar.png")
    assert (avatar.size, avatar.mode) == ((400, 400), "RGBA")
    assert avatar.getpixel((200, 30))[3] == 0 and avatar.getpixel((200, 200))[3] == 255


def test_background_thumbnail_is_tone_mapped(tmp_path: Path) -> None:
    source = make_hdr(tmp_path / "studio.hdr", 64, 32, peak=4.0)

    make_background_thumbnail(source, tmp_path / "thumb.png")

    thumb = Image.open(tmp_path / "thumb.png")
    assert thumb.size == (300, 200)
    # 64x32 (2:1) in 300x200: 300x150 between transparent bands.
    assert thumb.getpixel((150, 10))[3] == 0
    assert thumb.getpixel((1, 100))[:3] == pytest.approx((0, 0, 0), abs=25)
    assert thumb.getpixel((290, 100))[:3] == (255, 255, 255)  # clamped above 1
    # Value 0.5 at one eighth of the ramp: 255 * 0.5 ** (1 / 2.2) = 186.
    assert thumb.getpixel((300 // 8, 100))[0] == pytest.approx(186, abs=12)
    garbage = tmp_path / "garbage.hdr"
    garbage.write_bytes(b"#?RADIANCE\n" + np.random.default_rng(3).bytes(3000))
    with pytest.raises(MediaError):
        make_background_thumbnail(garbage, tmp_path / "bad.png")


# --- helpers ------------------------------------------------------------------------------


def _facts(movie: Path) -> dict:
    with av.open(str(movie)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        packets = sorted((p for p in container.demux(video) if p.size), key=lambda p: p.pts)
        facts = {
            "codec": video.codec_context.name,
            "pix_fmt": video.codec_context.pix_fmt,
            "size": (video.codec_context.width, video.codec_context.height),
            "rate": video.average_rate,
            "frames": len(packets),
            "duration": float(video.duration * video.time_base),
            "pts": [p.pts * video.time_base for p in packets],
            "keyframes": [i for i, p in enumerate(packets) if p.is_keyframe],
            "audio": audio
            and (audio.codec_context.name, audio.codec_context.sample_rate, audio.channels),
            "audio_duration": audio and float(audio.duration * audio.time_base),
        }
    return facts


def _has_b_frames(movie: Path) -> bool:
    with av.open(str(movie)) as container:
        return any(f.pict_type == av.video.frame.PictureType.B for f in container.decode(video=0))


def _atoms(movie: Path) -> list[str]:
    """Top-level box types of an mp4 file, in file order."""
    names, data, offset = [], movie.read_bytes(), 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        names.append(kind.decode())
        offset += size or len(data)
    return names


def _x264_settings(movie: Path) -> dict[str, str]:
    """The encoder settings x264 writes in its SEI message."""
    data = movie.read_bytes()
    start = data.index(b"options: ", data.index(b"x264 - core")) + len(b"options: ")
    text = data[start : data.index(b"\x00", start)].decode("ascii", "replace")
    return dict(item.split("=", 1) for item in text.split() if "=" in item)


def _audio_samples(movie: Path) -> np.ndarray:
    with av.open(str(movie)) as container:
        return np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])


def _first_frame(movie: Path) -> np.ndarray:
    with av.open(str(movie)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


def _content_columns(picture: np.ndarray) -> tuple[int, int]:
    """First and last-plus-one columns of the middle row that are not black."""
    row = picture[picture.shape[0] // 2, :, :3].astype(int).sum(axis=1)
    lit = np.flatnonzero(row > 60)
    return int(lit[0]), int(lit[-1]) + 1


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < 2


def _faststart(movie: Path, target: Path) -> Path:
    """Remux with the index first, as a browser-ready upload would be."""
    with (
        av.open(str(movie)) as source,
        av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        stream = out.add_stream_from_template(source.streams.video[0])
        for packet in source.demux(source.streams.video[0]):
            if packet.size:
                packet.stream = stream
                out.mux(packet)
    return target
