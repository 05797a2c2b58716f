"""Editorial timelines built on the fly for the OTIO import tests (local and compat)."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange


def timeline(clips: list[tuple[str, int, float]], gap_before: int | None = None) -> Any:
    """A timeline of one video track: (name, duration, fps) clips, their sources starting at
    frame 100 * position; a gap of 10 frames before the clip at ``gap_before``."""
    result = otio.schema.Timeline(name="edit")
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    result.tracks.append(track)
    for position, (name, duration, rate) in enumerate(clips):
        if position == gap_before:
            track.append(otio.schema.Gap(source_range=TR(RT(0, rate), RT(10, rate))))
        track.append(
            otio.schema.Clip(
                name=name,
                media_reference=otio.schema.ExternalReference(target_url=f"/media/{name}.mov"),
                source_range=TR(RT(100 * position, rate), RT(duration, rate)),
            )
        )
    return result


def as_otio(value: Any) -> bytes:
    return otio.adapters.write_to_string(value, "otio_json").encode()


def as_edl(value: Any) -> bytes:
    return otio.adapters.write_to_string(value, "cmx_3600").encode()
