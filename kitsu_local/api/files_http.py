"""Files over HTTP: stored objects served with conditional requests and byte ranges (players
seek in movies with ``Range``), and multipart uploads received into the file store."""

from __future__ import annotations

import datetime
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import anyio
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.response import Stream

from ..errors import ApiError, WrongParameter
from ..services.previews import Upload
from ..storage import FileStore, remove_tree

CHUNK = 256 * 1024
CACHE_SECONDS = 604_800
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/avif"}


class FileNotFound(ApiError):
    def __init__(self, message: str = "File not found."):
        super().__init__(404, {"error": True, "message": message})


def file_response(
    request: Request,
    path: Path,
    media_type: str,
    last_modified: datetime.datetime | None = None,
    download_name: str | None = None,
    attachment: bool = False,
) -> Response:
    """The file at ``path``: 304 when the client has it, 206 for one byte range, else 200."""
    from werkzeug.http import http_date, parse_etags, parse_range_header, quote_etag

    try:
        stat = path.stat()
    except OSError:
        raise FileNotFound() from None
    size = stat.st_size
    etag = f"{stat.st_mtime_ns:x}-{size:x}"
    modified = (
        last_modified or datetime.datetime.fromtimestamp(stat.st_mtime, datetime.UTC)
    ).replace(tzinfo=datetime.UTC)
    headers = {
        "ETag": quote_etag(etag),
        "Last-Modified": http_date(modified),
        "Cache-Control": f"private, max-age={CACHE_SECONDS}",
        "Accept-Ranges": "bytes",
    }
    if download_name or attachment:
        disposition = "attachment" if attachment else "inline"
        name = download_name or path.name
        headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    if etag in parse_etags(request.headers.get("if-none-match")):
        return Response(content=b"", status_code=304, headers=headers)
    start, stop, status = 0, size, 200
    requested = request.headers.get("range")
    if requested:
        byte_range = parse_range_header(requested)
        bounds = (
            byte_range.range_for_length(size)
            if byte_range and byte_range.units == "bytes"
            else None
        )
        if byte_range is not None and len(byte_range.ranges) == 1:
            if bounds is None:
                return Response(
                    content=b"",
                    status_code=416,
                    headers={**headers, "Content-Range": f"bytes */{size}"},
                )
            start, stop = bounds
            status = 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    headers["Content-Length"] = str(stop - start)
    return Stream(
        content=_read(path, start, stop),
        status_code=status,
        media_type=media_type,
        headers=headers,
    )


async def _read(path: Path, start: int, stop: int) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as stream:
        await stream.seek(start)
        remaining = stop - start
        while remaining > 0:
            chunk = await stream.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def inline_or_attachment(mimetype: str | None) -> bool:
    """Attachments open inline only when they are pictures a browser renders safely."""
    return (mimetype or "") not in INLINE_TYPES


# ---- uploads ---------------------------------------------------------------------------------
@dataclass
class Uploads:
    """The files of a multipart request (written to a work folder) and its text fields."""

    files: dict[str, list[Upload]] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    work_dir: Path | None = None

    def first(self, name: str) -> Upload | None:
        return (self.files.get(name) or [None])[0]

    def cleanup(self) -> None:
        """Drop what the handler did not move into the store."""
        if self.work_dir is not None:
            remove_tree(self.work_dir)


@asynccontextmanager
async def received_uploads(request: Request, store: FileStore) -> AsyncIterator[Uploads]:
    uploads = Uploads()
    try:
        if "multipart/form-data" in request.headers.get("content-type", ""):
            try:
                form = await request.form()
            except Exception:  # a truncated or malformed multipart body
                raise WrongParameter("The multipart body could not be read.") from None
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    uploads.work_dir = uploads.work_dir or store.work_dir("upload")
                    target = uploads.work_dir / f"{len(os.listdir(uploads.work_dir))}.upload"
                    async with await anyio.open_file(target, "wb") as out:
                        while chunk := await value.read(CHUNK):
                            await out.write(chunk)
                    await value.close()
                    upload = Upload(file_name=value.filename or "", path=target)
                    uploads.files.setdefault(key, []).append(upload)
                else:
                    uploads.fields.setdefault(key, value)
        yield uploads
    finally:
        uploads.cleanup()
