"""Pictures taken from a movie's frames as they pass: the first-frame thumbnail and the tile
sheet Kitsu scrubs with (Zou's sprite: cells 100 px high, 8 a row)."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import av
from av.video.reformatter import VideoReformatter
from PIL import Image

from .files import written_atomically

logger = logging.getLogger(__name__)

TILE_HEIGHT = 100
TILE_COLUMNS = 8
TILE_MAX_ROWS = 480


class FirstFrameSaver:
    """Frame listener writing the first picture it sees as a PNG."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.done = False

    def __call__(self, frame: av.VideoFrame) -> None:
        if not self.done:
            frame.to_image().save(self.target, "PNG")
            self.done = True


class TileSheet:
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
