"""Previews end to end: uploads through the HTTP API and gazu, processing in the job queue,
the derivatives served back (with byte ranges), and what bad uploads get."""

from __future__ import annotations

import io
import json
import time
import uuid
from pathlib import Path

import av
import gazu
import pytest
from PIL import Image

from .support.clips import make_clip, make_picture
from .support.samples import SAMPLES_BY_ROUTE
from .support.server import ADMIN_EMAIL, ADMIN_PASSWORD

READY_TIMEOUT = 240


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """Generated sources, made once for the module."""
    folder = tmp_path_factory.mktemp("media")
    return {
        "png": make_picture(folder / "frame.png", 640, 360),
        "jpeg": make_picture(folder / "rotated.jpg", 400, 300, fmt="JPEG", exif_orientation=6),
        "movie": make_clip(folder / "hd.mp4", 3, 1920, 1080, bframes=True),
        "audio": make_clip(folder / "audio.mp4", 2, 640, 360, audio=True),
        "odd": make_clip(folder / "odd.mp4", 1, 721, 405),
        "pdf": _write(
            folder / "brief.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n",
        ),
        "corrupt": _write(
            folder / "corrupt.mp4", b"\x00\x00\x00\x18ftypmp42" + uuid.uuid4().bytes * 4000
        ),
        "script": _write(folder / "tool.exe", b"MZ" + b"\x00" * 100),
    }


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def new_task(studio) -> dict:
    return studio.admin.create("tasks", **SAMPLES_BY_ROUTE["tasks"].body(studio))


def new_comment(studio, task: dict, status: str = "wfa") -> dict:
    return studio.admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comment", 201,
        json={"task_status_id": studio.statuses[status]["id"], "comment": "Please review"},
    )  # fmt: skip


def upload(studio, task: dict, source: Path, client=None) -> tuple[dict, dict]:
    """add-preview then the file upload, as Kitsu and gazu do."""
    client = client or studio.admin
    comment = new_comment(studio, task)
    preview = client.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    with source.open("rb") as stream:
        response = client.post(
            f"/pictures/preview-files/{preview['id']}", files={"file": (source.name, stream)}
        )
    assert response.status_code == 201, response.text
    return preview, response.json()


def wait_ready(client, preview_id: str) -> dict:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        preview = client.ok("GET", f"/data/preview-files/{preview_id}")
        if preview["status"] != "processing":
            return preview
        time.sleep(0.3)
    raise AssertionError(f"preview {preview_id} still processing after {READY_TIMEOUT} s")


def fetch(client, path: str, **headers: str):
    response = client.get(path, headers=headers)
    assert response.status_code in (200, 206), (
        f"{path}: {response.status_code} {response.text[:200]}"
    )
    return response


def picture(response) -> Image.Image:
    return Image.open(io.BytesIO(response.content))


def movie_streams(content: bytes) -> tuple[dict, dict | None]:
    with av.open(io.BytesIO(content)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        return (
            {"codec": video.codec_context.name, "width": video.width, "height": video.height,
             "pix_fmt": video.codec_context.pix_fmt, "duration": float(container.duration or 0) / 1e6},
            {"codec": audio.codec_context.name} if audio else None,
        )  # fmt: skip


def assert_picture_set(client, preview_id: str, width: int, height: int) -> None:
    assert picture(fetch(client, f"/pictures/originals/preview-files/{preview_id}.png")).size == (
        width,
        height,
    )
    previews = picture(fetch(client, f"/pictures/previews/preview-files/{preview_id}.png"))
    assert previews.width == 1200 and abs(previews.height - 1200 * height / width) <= 1
    thumbnail = picture(fetch(client, f"/pictures/thumbnails/preview-files/{preview_id}.png"))
    assert thumbnail.size == (150, 100) and thumbnail.mode == "RGBA"
    assert picture(
        fetch(client, f"/pictures/thumbnails-square/preview-files/{preview_id}.png")
    ).size == (100, 100)


# ---- pictures ------------------------------------------------------------------------------------
def test_png_preview(studio, media):
    admin = studio.admin
    task = new_task(studio)
    preview, answer = upload(studio, task, media["png"])
    assert answer["status"] == "processing" and answer["extension"] == "png"
    assert answer["original_name"] == "frame" and (answer["width"], answer["height"]) == (640, 360)
    ready = wait_ready(admin, preview["id"])
    assert ready["status"] == "ready" and ready["revision"] == 1 and ready["position"] == 1
    assert_picture_set(admin, preview["id"], 640, 360)
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["last_preview_file_id"] == preview["id"]
    names = [e["name"] for e in admin.ok("GET", "/data/events?page=1&limit=200")["data"]
             if e["data"].get("preview_file_id") == preview["id"]]  # fmt: skip
    assert {"preview-file:new", "preview-file:add-file", "preview-file:update"} <= set(names)


def test_jpeg_with_exif_rotation(studio, media):
    preview, answer = upload(studio, new_task(studio), media["jpeg"])
    assert (answer["width"], answer["height"]) == (300, 400)
    ready = wait_ready(studio.admin, preview["id"])
    assert ready["status"] == "ready" and (ready["width"], ready["height"]) == (300, 400)
    assert_picture_set(studio.admin, preview["id"], 300, 400)


# ---- movies --------------------------------------------------------------------------------------
def test_1080p_movie_with_bframes_and_no_audio(studio, media):
    admin = studio.admin
    preview, answer = upload(studio, new_task(studio), media["movie"])
    assert answer["status"] == "processing" and answer["extension"] == "mp4"
    processing = admin.get(f"/movies/originals/preview-files/{preview['id']}.mp4")
    assert processing.status_code in (200, 404)
    ready = wait_ready(admin, preview["id"])
    assert ready["status"] == "ready", ready["data"]
    assert (ready["width"], ready["height"]) == (1920, 1080) and abs(ready["duration"] - 3) < 0.1
    assert ready["data"]["original_width"] == 1920 and ready["file_size"] > 0
    video, audio = movie_streams(
        fetch(admin, f"/movies/originals/preview-files/{preview['id']}.mp4").content
    )
    assert video == {
        "codec": "h264",
        "width": 1920,
        "height": 1080,
        "pix_fmt": "yuv420p",
        "duration": pytest.approx(3, abs=0.1),
    }
    assert audio == {"codec": "aac"}
    low, _ = movie_streams(fetch(admin, f"/movies/low/preview-files/{preview['id']}.mp4").content)
    assert (low["width"], low["height"]) == (1280, 720)
    assert_picture_set(admin, preview["id"], 1920, 1080)
    tile = picture(fetch(admin, f"/movies/tiles/preview-files/{preview['id']}.png"))
    assert tile.width == 8 * 178 and tile.height == 100 * 10  # 75 frames -> 10 rows
    download = fetch(admin, f"/movies/originals/preview-files/{preview['id']}/download")
    assert "attachment" in download.headers["content-disposition"]


def test_movie_with_audio(studio, media):
    preview, _ = upload(studio, new_task(studio), media["audio"])
    assert wait_ready(studio.admin, preview["id"])["status"] == "ready"
    _, audio = movie_streams(
        fetch(studio.admin, f"/movies/originals/preview-files/{preview['id']}.mp4").content
    )
    assert audio == {"codec": "aac"}


def test_movie_with_odd_dimensions_is_padded(studio, media):
    preview, _ = upload(studio, new_task(studio), media["odd"])
    ready = wait_ready(studio.admin, preview["id"])
    assert ready["status"] == "ready" and (ready["width"], ready["height"]) == (1920, 1080)
    assert ready["data"]["original_width"] == 721 and ready["data"]["original_height"] == 405


def test_corrupt_movie_ends_broken_with_a_reason(studio, media):
    preview, _ = upload(studio, new_task(studio), media["corrupt"])
    broken = wait_ready(studio.admin, preview["id"])
    assert broken["status"] == "broken" and broken["data"]["broken_reason"]


def test_range_requests(studio, media):
    admin = studio.admin
    preview, _ = upload(studio, new_task(studio), media["audio"])
    wait_ready(admin, preview["id"])
    path = f"/movies/originals/preview-files/{preview['id']}.mp4"
    whole = fetch(admin, path).content
    part = admin.get(path, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == whole[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(whole)}"
    tail = admin.get(path, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == whole[-50:]
    beyond = admin.get(path, headers={"Range": f"bytes={len(whole) + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(whole)}"
    etag = fetch(admin, path).headers["etag"]
    assert admin.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert fetch(admin, path).headers["content-type"].startswith("video/mp4")


# ---- other files and refusals --------------------------------------------------------------------
def test_pdf_is_stored_as_is(studio, media):
    admin = studio.admin
    preview, answer = upload(studio, new_task(studio), media["pdf"])
    assert answer["status"] == "ready" and answer["extension"] == "pdf"
    served = fetch(admin, f"/pictures/originals/preview-files/{preview['id']}.pdf")
    assert served.content == media["pdf"].read_bytes()
    assert served.headers["content-type"] == "application/pdf"


def test_disallowed_extension_stores_nothing(studio, media, server):
    admin = studio.admin
    task = new_task(studio)
    comment = new_comment(studio, task)
    preview = admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    with media["script"].open("rb") as stream:
        response = admin.post(
            f"/pictures/preview-files/{preview['id']}", files={"file": ("tool.exe", stream)}
        )
    assert response.status_code == 400
    assert response.json()["message"] == "Wrong file format, extension: exe"
    assert admin.get(f"/data/preview-files/{preview['id']}").status_code == 404
    store = server.data_dir / "previews"
    assert not list(store.rglob(f"*{preview['id']}*"))


def test_upload_errors(studio, media):
    admin = studio.admin
    task = new_task(studio)
    comment = new_comment(studio, task)
    preview = admin.ok(
        "POST", f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-preview", 201, json={}
    )
    no_file = admin.post(
        f"/pictures/preview-files/{preview['id']}", files={"other": ("x.png", b"x")}
    )
    assert no_file.status_code == 400 and no_file.json()["message"] == "File not provided."
    with media["png"].open("rb") as stream:
        admin.ok(
            "POST",
            f"/pictures/preview-files/{preview['id']}",
            201,
            files={"file": ("a.png", stream)},
        )
    with media["png"].open("rb") as stream:
        again = admin.post(
            f"/pictures/preview-files/{preview['id']}", files={"file": ("a.png", stream)}
        )
    assert again.status_code == 400  # a preview takes one file
    assert (
        admin.post(
            f"/pictures/preview-files/{uuid.uuid4()}", files={"file": ("a.png", b"x")}
        ).status_code
        == 404
    )
    assert studio.as_role("client").post(
        f"/pictures/preview-files/{preview['id']}", files={"file": ("a.png", b"x")}
    ).status_code in (400, 403)


@pytest.mark.parametrize(
    "path",
    [
        "/pictures/thumbnails/preview-files/..%2F..%2F..%2Fetc%2Fpasswd.png",
        "/pictures/originals/preview-files/..%2Fsecret_key",
        "/pictures/originals/preview-files/%2E%2E%2F%2E%2E%2Fkitsu.db",
        "/movies/originals/preview-files/../../kitsu.db",
        "/movies/low/preview-files/%2e%2e%2fkitsu.mp4",
        "/pictures/thumbnails/persons/..%2F..%2Fsecret_key",
        "/pictures/preview-background-files/..%2F..%2Fsecret_key.hdr",
        "/data/attachment-files/..%2F..%2Fsecret_key/file/x",
        "/pictures/originals/preview-files/00000000-0000-0000-0000-000000000000.png%00.txt",
        "/movies/tiles/preview-files/" + "a" * 40 + ".png",
    ],
)
def test_path_traversal_is_refused(studio, path):
    response = studio.admin.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert b"secret" not in response.content and b"SQLite" not in response.content


def test_preview_listings(studio, media):
    admin = studio.admin
    task = new_task(studio)
    preview, _ = upload(studio, task, media["png"])
    wait_ready(admin, preview["id"])
    assert [p["id"] for p in admin.ok("GET", f"/data/tasks/{task['id']}/previews")] == [
        preview["id"]
    ]
    by_type = admin.ok("GET", f"/data/playlists/entities/{task['entity_id']}/preview-files")
    assert by_type[task["task_type_id"]][0]["id"] == preview["id"]
    assert (
        admin.ok("GET", f"/data/entities/{task['entity_id']}/preview-files")[0]["id"]
        == preview["id"]
    )
    page = admin.ok("GET", f"/data/projects/{studio.project['id']}/preview-files?page=1")
    assert page["total"] >= 1 and set(page) == {
        "data",
        "total",
        "nb_pages",
        "limit",
        "offset",
        "page",
    }


def test_preview_actions(studio, media):
    admin = studio.admin
    task = new_task(studio)
    first, _ = upload(studio, task, media["png"])
    wait_ready(admin, first["id"])
    entity = admin.ok("PUT", f"/actions/preview-files/{first['id']}/set-main-preview", json={})
    assert entity["preview_file_id"] == first["id"] and entity["type"] == "Asset"
    comment_id = admin.ok("GET", f"/data/preview-files/{first['id']}")["comments"][0]
    second = admin.ok(
        "POST",
        f"/actions/tasks/{task['id']}/comments/{comment_id}/preview-files/{first['id']}",
        201,
    )
    assert (second["revision"], second["position"]) == (first["revision"], 2)
    reordered = admin.ok(
        "PUT", f"/actions/preview-files/{second['id']}/update-position", json={"position": 1}
    )
    assert [p["id"] for p in reordered] == [second["id"], first["id"]]
    annotations = {
        "additions": [{"time": 0.0, "drawing": {"objects": [{"id": "a", "type": "path"}]}}]
    }
    updated = admin.ok(
        "PUT", f"/actions/preview-files/{first['id']}/update-annotations", json=annotations
    )
    assert updated["annotations"][0]["drawing"]["objects"][0]["id"] == "a"
    removed = admin.ok("PUT", f"/actions/preview-files/{first['id']}/update-annotations",
                       json={"deletions": [{"time": 0.0, "objects": ["a"]}]})  # fmt: skip
    assert removed["annotations"] == []
    admin.ok(
        "DELETE",
        f"/actions/tasks/{task['id']}/comments/{comment_id}/preview-files/{second['id']}",
        204,
    )
    assert admin.get(f"/data/preview-files/{second['id']}").status_code == 404


def test_extract_frame_and_tile(studio, media):
    admin = studio.admin
    preview, _ = upload(studio, new_task(studio), media["odd"])
    wait_ready(admin, preview["id"])
    frame = picture(
        fetch(admin, f"/actions/preview-files/{preview['id']}/extract-frame?frame_number=5")
    )
    assert frame.size == (1920, 1080)
    assert (
        admin.get(
            f"/actions/preview-files/{preview['id']}/extract-frame?frame_number=x"
        ).status_code
        == 400
    )
    tile = picture(fetch(admin, f"/actions/preview-files/{preview['id']}/extract-tile"))
    assert tile.height == 100 * 4  # 25 frames -> 4 rows


# ---- comments, attachments and avatars -----------------------------------------------------------
def test_comment_moves_the_task_and_notifies(studio):
    admin = studio.admin
    task = studio.asset_task
    comment = admin.ok("POST", f"/actions/tasks/{task['id']}/comment", 201,
                       json={"task_status_id": studio.statuses["wip"]["id"], "comment": "started"})  # fmt: skip
    assert (
        comment["task_status"]["short_name"] == "wip" and comment["person"]["email"] == ADMIN_EMAIL
    )
    assert admin.ok("GET", f"/data/tasks/{task['id']}")["real_start_date"]
    notified = admin.ok("GET", f"/data/notifications?comment_id={comment['id']}")
    assert {n["person_id"] for n in notified} == {
        studio.people["user"]["id"],
        studio.people["vendor"]["id"],
    }
    assert admin.ok("GET", f"/data/news?comment_id={comment['id']}")
    artist = studio.as_role("user")
    done = studio.statuses["done"]["id"]
    admin.ok("PUT", f"/data/task-status/{done}", json={"is_artist_allowed": False})
    try:
        refused = artist.post(
            f"/actions/tasks/{task['id']}/comment", json={"task_status_id": done, "comment": "x"}
        )
        assert refused.status_code == 403
    finally:
        admin.ok("PUT", f"/data/task-status/{done}", json={"is_artist_allowed": True})
    bad = artist.post(f"/actions/tasks/{task['id']}/comment", json={"comment": "no status"})
    assert bad.status_code == 400 and bad.json()["message"] == "Validation error."


def test_attachments(studio, media):
    admin = studio.admin
    task = studio.asset_task
    with media["png"].open("rb") as stream:
        response = admin.post(
            f"/actions/tasks/{task['id']}/comment",
            data={
                "task_status_id": studio.statuses["wip"]["id"],
                "comment": "see attached",
                "checklist": json.dumps([{"text": "a", "checked": False}]),
            },
            files={"file": ("ref.png", stream)},
        )
    assert response.status_code == 201, response.text
    comment = response.json()
    assert (
        comment["checklist"] == [{"text": "a", "checked": False}]
        and len(comment["attachment_files"]) == 1
    )
    attachment_id = comment["attachment_files"][0]
    served = fetch(admin, f"/data/attachment-files/{attachment_id}/file/ref.png")
    assert (
        served.content == media["png"].read_bytes()
        and served.headers["content-type"] == "image/png"
    )
    extra = admin.post(
        f"/actions/tasks/{task['id']}/comments/{comment['id']}/add-attachment",
        files={"file": ("notes.txt", b"hello")},
    )
    assert extra.status_code == 201 and extra.json()[0]["name"] == "notes.txt"
    assert (
        fetch(admin, f"/data/attachment-files/{extra.json()[0]['id']}/file/x")
        .headers["content-disposition"]
        .startswith("attachment")
    )
    admin.ok(
        "DELETE",
        f"/data/tasks/{task['id']}/comments/{comment['id']}/attachments/{attachment_id}",
        204,
    )
    assert admin.get(f"/data/attachment-files/{attachment_id}/file/ref.png").status_code == 404


def test_avatars(studio, media):
    admin = studio.admin
    person = studio.people["user"]
    artist = studio.as_role("user")
    with media["png"].open("rb") as stream:
        answer = artist.ok(
            "POST",
            f"/pictures/thumbnails/persons/{person['id']}",
            201,
            files={"file": ("me.png", stream)},
        )
    assert answer == {"thumbnail_path": f"pictures/thumbnails/persons/{person['id']}.png"}
    assert picture(fetch(admin, f"/pictures/thumbnails/persons/{person['id']}.png")).size == (
        400,
        400,
    )
    assert admin.ok("GET", f"/data/persons/{person['id']}")["has_avatar"] is True
    with media["png"].open("rb") as stream:
        other = artist.post(
            f"/pictures/thumbnails/persons/{studio.people['client']['id']}",
            files={"file": ("x.png", stream)},
        )
    assert other.status_code == 403
    assert artist.delete("/actions/user/clear-avatar").status_code == 204
    assert admin.get(f"/pictures/thumbnails/persons/{person['id']}.png").status_code == 404
    project = studio.project["id"]
    with media["png"].open("rb") as stream:
        studio.as_role("manager").ok(
            "POST",
            f"/pictures/thumbnails/projects/{project}",
            201,
            files={"file": ("p.png", stream)},
        )
    assert picture(
        fetch(studio.as_role("user"), f"/pictures/thumbnails/projects/{project}.png")
    ).size == (400, 400)
    organisation = admin.ok("GET", "/data/organisations")[0]["id"]
    with media["png"].open("rb") as stream:
        admin.ok(
            "POST",
            f"/pictures/thumbnails/organisations/{organisation}",
            201,
            files={"file": ("o.png", stream)},
        )
    assert fetch(artist, f"/pictures/thumbnails/organisations/{organisation}.png")


def test_batch_comment_with_a_preview(studio, media):
    admin = studio.admin
    task = new_task(studio)
    comments = json.dumps([{"task_status_id": studio.statuses["wfa"]["id"], "text": "batch"}])
    with media["png"].open("rb") as stream:
        response = admin.post(
            f"/actions/tasks/{task['id']}/batch-comment",
            data={"comments": comments},
            files={"preview_file-0": ("b.png", stream)},
        )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created[0]["text"] == "batch" and len(created[0]["preview_files"]) == 1
    assert wait_ready(admin, created[0]["preview_files"][0]["id"])["status"] == "ready"


# ---- gazu ----------------------------------------------------------------------------------------
def test_publish_preview_through_gazu(server, studio, media, tmp_path):
    client = gazu.client.create_client(server.api)
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    task = new_task(studio)
    status = gazu.task.get_task_status_by_short_name("wfa", client=client)
    comment, preview = gazu.task.publish_preview(
        task, status, comment="v1", preview_file_path=str(media["movie"]), client=client
    )
    assert comment["task_status_id"] == status["id"] and preview["extension"] == "mp4"
    ready = wait_ready(studio.admin, preview["id"])
    assert ready["status"] == "ready"
    gazu.task.set_main_preview(preview, client=client)
    assert (
        gazu.asset.get_asset(task["entity_id"], client=client)["preview_file_id"] == preview["id"]
    )
    target = tmp_path / "movie.mp4"
    gazu.files.download_preview_movie(preview, str(target), client=client)
    video, audio = movie_streams(target.read_bytes())
    assert (video["width"], video["height"]) == (1920, 1080) and audio is not None
    thumbnail = tmp_path / "thumbnail.png"
    gazu.files.download_preview_file_thumbnail(preview, str(thumbnail), client=client)
    assert Image.open(thumbnail).size == (150, 100)
    second = gazu.task.add_preview(task, comment, str(media["png"]), client=client)
    assert second["revision"] == preview["revision"] and second["position"] == 2
