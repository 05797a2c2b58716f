"""The file store: preview pictures, movies and files under ``<data dir>/previews``
(zou-behaviour.md 3.1).

Objects are keyed like Zou's local backend, ``<bucket>/<prefix>-<id>`` laid out as
``<bucket>/<key before its first dash>/<name[0:3]>/<name[3:6]>/<name>``, so a Zou preview folder
can be read as is. Paths are only ever built from a known bucket, a known prefix and a UUID:
nothing a client sends reaches the file system unchecked. Writes go to a temporary file in the
target folder, then are renamed: a crash never leaves a half-written object under its name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .columns import is_valid_id

# bucket -> the prefixes objects of that bucket may have
PREFIXES: dict[str, frozenset[str]] = {
    "pictures": frozenset(
        {"original", "previews", "thumbnails", "thumbnails-square", "tiles", "preview-backgrounds"}
    ),
    "movies": frozenset({"previews", "lowdef", "source", "playlists"}),
    "files": frozenset({"previews", "attachments", "working"}),
}
CHUNK = 1024 * 1024


class InvalidKey(ValueError):
    """A bucket, prefix or id outside what the store holds."""


class FileStore:
    def __init__(self, root: Path):
        self.root = root

    # ---- paths ------------------------------------------------------------------------------
    def path(self, bucket: str, prefix: str, object_id: str) -> Path:
        if prefix not in PREFIXES.get(bucket, ()):
            raise InvalidKey(f"{bucket}/{prefix}")
        if not is_valid_id(object_id):
            raise InvalidKey(object_id)
        folder, _, name = f"{prefix}-{object_id.lower()}".partition("-")
        return self.root / bucket / folder / name[0:3] / name[3:6] / name

    def work_dir(self, label: str) -> Path:
        """A fresh folder for intermediate files (same file system, so renames are atomic)."""
        base = self.root / "tmp"
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{label}-", dir=base))

    def upload_path(self, object_id: str, extension: str) -> Path:
        """Where an upload waits for its job: ``uploads/<id>.<extension>``."""
        if not is_valid_id(object_id) or not extension.isalnum():
            raise InvalidKey(f"{object_id}.{extension}")
        folder = self.root / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{object_id.lower()}.{extension.lower()}"

    # ---- reads ------------------------------------------------------------------------------
    def exists(self, bucket: str, prefix: str, object_id: str) -> bool:
        return self.path(bucket, prefix, object_id).is_file()

    def size(self, bucket: str, prefix: str, object_id: str) -> int:
        return self.path(bucket, prefix, object_id).stat().st_size

    # ---- writes -----------------------------------------------------------------------------
    def put_file(
        self, bucket: str, prefix: str, object_id: str, source: Path, move: bool = False
    ) -> Path:
        """Store a copy of ``source`` (or move it, when it lives on the same file system)."""
        target = self.path(bucket, prefix, object_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            try:
                os.replace(source, target)
                return target
            except OSError:  # another file system: copy below
                pass
        with source.open("rb") as stream:
            return self.put_stream(bucket, prefix, object_id, stream)

    def put_stream(self, bucket: str, prefix: str, object_id: str, stream: BinaryIO) -> Path:
        target = self.path(bucket, prefix, object_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, iter(lambda: stream.read(CHUNK), b""))
        return target

    def delete(self, bucket: str, prefix: str, object_id: str) -> None:
        self.path(bucket, prefix, object_id).unlink(missing_ok=True)

    def delete_all(self, object_id: str) -> None:
        """Every object of an id, in every bucket (a preview file and its derivatives)."""
        for bucket, prefixes in PREFIXES.items():
            for prefix in prefixes:
                self.delete(bucket, prefix, object_id)


def write_atomically(target: Path, chunks: Iterator[bytes]) -> int:
    """Write to ``<target>.<random>.part`` next to the target, fsync, rename; returns the size."""
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
    size = 0
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return size


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
