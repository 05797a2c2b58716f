"""(path table: to be written by the area's author)"""

from __future__ import annotations

ROUTES: list = []
