"""Preview files: upload, download, and the preview actions (zou-behaviour.md 3.3-3.9).

    POST   /pictures/preview-files/{instance_id}                      upload the file of a preview
    GET    /pictures/thumbnails/preview-files/{instance_id}.png
    GET    /pictures/thumbnails-square/preview-files/{instance_id}.png
    GET    /pictures/originals/preview-files/{instance_id}.png
    GET    /pictures/originals/preview-files/{instance_id}.{extension}
    GET    /pictures/originals/preview-files/{instance_id}/download
    GET    /pictures/previews/preview-files/{instance_id}.png
    GET    /movies/originals/preview-files/{instance_id}.mp4           (HTTP ranges)
    GET    /movies/originals/preview-files/{instance_id}/download
    GET    /movies/low/preview-files/{instance_id}.mp4                 (also /movies/lowdef/, as gazu asks)
    GET    /movies/source/preview-files/{instance_id}.mp4
    GET    /movies/tiles/preview-files/{instance_id}.png
    PUT    /actions/preview-files/{preview_file_id}/set-main-preview
    PUT    /actions/preview-files/{preview_file_id}/update-position
    PUT    /actions/preview-files/{preview_file_id}/update-annotations
    GET    /actions/preview-files/{preview_file_id}/extract-frame     (?frame_number=N)
    GET    /actions/preview-files/{preview_file_id}/extract-tile
    PUT    /actions/tasks/{task_id}/set-main-preview
    POST   /actions/tasks/{task_id}/comments/{comment_id}/add-preview
    POST   /actions/tasks/{task_id}/comments/{comment_id}/preview-files/{preview_file_id}
    DELETE /actions/tasks/{task_id}/comments/{comment_id}/preview-files/{preview_file_id}

    GET    /data/tasks/{task_id}/previews
    GET    /data/entities/{entity_id}/preview-files
    GET    /data/shots/{shot_id}/preview-files                         (by task type and revision)
    GET    /data/edits/{edit_id}/preview-files
    GET    /data/concepts/{concept_id}/preview-files
    GET    /data/playlists/entities/{entity_id}/preview-files
    GET    /data/projects/{project_id}/preview-files                   (sync; ?page=)
    GET    /data/playlists/preview-files/running                       (also /data/preview-files/running)

Routes ending in ``{id}.{extension}`` take the whole last segment as ``file_name``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.background_tasks import BackgroundTask

from .. import rows
from ..columns import is_valid_id
from ..context import Ctx
from ..errors import NotFound, WrongParameter
from ..models import Comment, CommentPreviewLink, PreviewFile, Task
from ..permissions import require_comment_access, require_task_action_access
from ..services import crud, preview_actions, preview_lists, previews
from ..services.cascade import remove_preview_file
from ..services.previews import FILE_EXTENSIONS, PICTURE_EXTENSIONS, RejectedUpload
from ..storage import remove_tree
from .endpoint import endpoint, json_body, json_response, query
from .files_http import FileNotFound, file_response, received_uploads

MOVIE_CHAINS = {
    "originals": ("previews", "lowdef", "source"),
    "low": ("lowdef", "previews", "source"),
    "source": ("source",),
}


def split_file_name(file_name: str, expected: str | None = None) -> tuple[str, str]:
    """(id, extension) of ``<uuid>.<ext>``; 404 when it does not look like one."""
    instance_id, _, extension = file_name.partition(".")
    if not is_valid_id(instance_id) or (expected is not None and extension != expected):
        raise NotFound()
    return instance_id.lower(), extension.lower()


def processing_answer() -> Response:
    return json_response(
        {"error": True, "message": "Preview file was not found."},
        404,
        headers={"Cache-Control": "no-store"},
    )


async def serve_object(
    ctx: Ctx, request: Request, preview: dict, bucket: str, prefixes: tuple[str, ...], media_type: str,
    attachment: bool = False,
) -> Response:  # fmt: skip
    """The first stored object of ``prefixes`` for a preview (404 while it is processing)."""
    if preview["status"] == "processing":
        return processing_answer()
    store = ctx.state.store
    for prefix in prefixes:
        path = store.path(bucket, prefix, preview["id"])
        if path.is_file():
            name = await previews.download_name(ctx, preview) if attachment else None
            return file_response(request, path, media_type, preview["updated_at"], name, attachment)
    raise FileNotFound("Preview file was not found.")


# ---- upload ----------------------------------------------------------------------------------
@endpoint("POST", "/pictures/preview-files/{instance_id}")
async def post_preview_file(ctx: Ctx, request: Request, instance_id: str) -> Any:
    preview = await previews.check_upload_allowed(ctx, instance_id)
    async with received_uploads(request, ctx.state.store) as uploads:
        upload = uploads.first("file")
        if upload is None:
            raise WrongParameter("File not provided.")
        normalize = crud.is_true(query(request).get("normalize"), default=True)
        try:
            return await previews.receive_upload(ctx, preview, upload, normalize=normalize), 201
        except RejectedUpload as refusal:
            return refusal.body, refusal.status_code  # the preview's deletion is kept


# ---- pictures --------------------------------------------------------------------------------
def picture_route(path: str, prefix: str):
    @endpoint("GET", path, name=f"get:{path}")
    async def get_picture(ctx: Ctx, request: Request, file_name: str) -> Any:
        instance_id, _ = split_file_name(file_name, "png")
        preview = await previews.readable_preview(ctx, instance_id)
        return await serve_object(ctx, request, preview, "pictures", (prefix,), "image/png")

    return get_picture


@endpoint("GET", "/pictures/originals/preview-files/{file_name}")
async def get_original(ctx: Ctx, request: Request, file_name: str) -> Any:
    instance_id, extension = split_file_name(file_name)
    if extension not in PICTURE_EXTENSIONS + FILE_EXTENSIONS:
        raise WrongParameter(f"Wrong file format, extension: {extension}")
    preview = await previews.readable_preview(ctx, instance_id)
    if extension == "png":
        return await serve_object(ctx, request, preview, "pictures", ("original",), "image/png")
    media_type = "application/pdf" if extension == "pdf" else "application/octet-stream"
    return await serve_object(ctx, request, preview, "files", ("previews",), media_type)


@endpoint("GET", "/pictures/originals/preview-files/{instance_id}/download")
async def get_original_download(ctx: Ctx, request: Request, instance_id: str) -> Any:
    preview = await previews.readable_preview(ctx, instance_id)
    extension = preview["extension"]
    if extension == "png":
        return await serve_object(
            ctx, request, preview, "pictures", ("original",), "image/png", True
        )
    if extension == "mp4":
        return await serve_object(
            ctx, request, preview, "movies", MOVIE_CHAINS["originals"], "video/mp4", True
        )
    media_type = "application/pdf" if extension == "pdf" else "application/octet-stream"
    return await serve_object(ctx, request, preview, "files", ("previews",), media_type, True)


# ---- movies ----------------------------------------------------------------------------------
def movie_route(path: str, chain: tuple[str, ...]):
    @endpoint("GET", path, name=f"get:{path}")
    async def get_movie(ctx: Ctx, request: Request, file_name: str) -> Any:
        instance_id, _ = split_file_name(file_name, "mp4")
        preview = await previews.readable_preview(ctx, instance_id)
        return await serve_object(ctx, request, preview, "movies", chain, "video/mp4")

    return get_movie


@endpoint("GET", "/movies/originals/preview-files/{instance_id}/download")
async def get_movie_download(ctx: Ctx, request: Request, instance_id: str) -> Any:
    preview = await previews.readable_preview(ctx, instance_id)
    return await serve_object(
        ctx, request, preview, "movies", MOVIE_CHAINS["originals"], "video/mp4", True
    )


# ---- actions ---------------------------------------------------------------------------------
@endpoint("PUT", "/actions/preview-files/{preview_file_id}/set-main-preview")
async def put_set_main_preview(ctx: Ctx, request: Request, preview_file_id: str) -> Any:
    body = await json_body(request, required=False) or {}
    frame = body.get("frame_number") if isinstance(body, dict) else None
    return await preview_actions.set_main_preview(ctx, preview_file_id, frame)


@endpoint("PUT", "/actions/tasks/{task_id}/set-main-preview")
async def put_task_set_main_preview(ctx: Ctx, task_id: str) -> Any:
    return await preview_actions.set_task_main_preview(ctx, task_id)


@endpoint("PUT", "/actions/preview-files/{preview_file_id}/update-position")
async def put_update_position(ctx: Ctx, request: Request, preview_file_id: str) -> Any:
    body = await json_body(request)
    position = body.get("position") if isinstance(body, dict) else None
    return await preview_actions.update_position(ctx, preview_file_id, position)


@endpoint("PUT", "/actions/preview-files/{preview_file_id}/update-annotations")
async def put_update_annotations(ctx: Ctx, request: Request, preview_file_id: str) -> Any:
    return await preview_actions.update_annotations(ctx, preview_file_id, await json_body(request))


@endpoint("GET", "/actions/preview-files/{preview_file_id}/extract-frame")
async def get_extract_frame(ctx: Ctx, request: Request, preview_file_id: str) -> Any:
    frame = await preview_actions.extract_frame(
        ctx, preview_file_id, query(request).get("frame_number", 1)
    )
    return _serve_then_remove(request, frame)


@endpoint("GET", "/actions/preview-files/{preview_file_id}/extract-tile", write=True)
async def get_extract_tile(ctx: Ctx, request: Request, preview_file_id: str) -> Any:
    tile = await preview_actions.extract_tile(ctx, preview_file_id)
    return file_response(request, tile, "image/png")


def _serve_then_remove(request: Request, path: Path) -> Response:
    """An extracted frame, its folder removed once sent."""
    response = file_response(request, path, "image/png")
    response.background = BackgroundTask(remove_tree, path.parent)
    return response


@endpoint("POST", "/actions/tasks/{task_id}/comments/{comment_id}/add-preview")
async def post_add_preview(ctx: Ctx, request: Request, task_id: str, comment_id: str) -> Any:
    body = await json_body(request, required=False) or {}
    revision = body.get("revision") if isinstance(body, dict) else None
    if revision is not None and (
        not isinstance(revision, int) or isinstance(revision, bool) or revision < 0
    ):
        raise WrongParameter(
            "Validation error.",
            {"errors": [{"field": "revision", "message": "Input should be a valid integer"}]},
        )
    return await previews.add_preview_to_comment(ctx, task_id, comment_id, revision), 201


@endpoint("POST", "/actions/tasks/{task_id}/comments/{comment_id}/preview-files/{preview_file_id}")
async def post_extra_preview(ctx: Ctx, task_id: str, comment_id: str, preview_file_id: str) -> Any:
    related = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_file_id)
    return await previews.add_preview_to_comment(ctx, task_id, comment_id, related["revision"]), 201


@endpoint(
    "DELETE", "/actions/tasks/{task_id}/comments/{comment_id}/preview-files/{preview_file_id}"
)
async def delete_comment_preview(
    ctx: Ctx, task_id: str, comment_id: str, preview_file_id: str
) -> Any:
    task = await rows.fetch_or_404(ctx.conn, Task, task_id)
    await require_task_action_access(ctx, task)
    comment = await rows.fetch_or_404(ctx.conn, Comment, comment_id)
    preview = await rows.fetch_or_404(ctx.conn, PreviewFile, preview_file_id)
    link = await rows.first_where(
        ctx.conn, CommentPreviewLink, CommentPreviewLink.comment == comment["id"],
        CommentPreviewLink.preview_file == preview["id"],
    )  # fmt: skip
    if link is None or comment["object_id"] != task["id"]:
        raise NotFound()
    await require_comment_access(ctx, comment)
    await remove_preview_file(ctx, preview)
    return None, 204


# ---- listings --------------------------------------------------------------------------------
@endpoint("GET", "/data/tasks/{task_id}/previews")
async def get_task_previews(ctx: Ctx, task_id: str) -> Any:
    return await preview_lists.previews_of_task(ctx, task_id)


@endpoint("GET", "/data/entities/{entity_id}/preview-files")
async def get_entity_previews(ctx: Ctx, entity_id: str) -> Any:
    return await preview_lists.previews_of_entity(ctx, entity_id)


def by_task_type_route(path: str, parameter: str):
    async def get_previews(ctx: Ctx, **path_params: str) -> Any:
        return await preview_lists.previews_by_task_type(ctx, path_params[parameter])

    return endpoint("GET", path, name=f"get:{path}", path_params=(parameter,))(get_previews)


@endpoint("GET", "/data/projects/{project_id}/preview-files")
async def get_project_previews(ctx: Ctx, request: Request, project_id: str) -> Any:
    return await preview_lists.previews_of_project(ctx, project_id, query(request).get("page"))


async def _running(ctx: Ctx, request: Request) -> Any:
    params = query(request)
    return await preview_lists.running_previews(
        ctx, params.get("cursor_preview_file_id"), params.get("limit")
    )


ROUTES = [
    get_task_previews,
    get_entity_previews,
    by_task_type_route("/data/shots/{shot_id}/preview-files", "shot_id"),
    by_task_type_route("/data/edits/{edit_id}/preview-files", "edit_id"),
    by_task_type_route("/data/concepts/{concept_id}/preview-files", "concept_id"),
    by_task_type_route("/data/playlists/entities/{entity_id}/preview-files", "entity_id"),
    get_project_previews,
    endpoint("GET", "/data/playlists/preview-files/running")(_running),
    endpoint("GET", "/data/preview-files/running", name="get:running-previews-gazu")(_running),
    post_preview_file,
    picture_route("/pictures/thumbnails/preview-files/{file_name}", "thumbnails"),
    picture_route("/pictures/thumbnails-square/preview-files/{file_name}", "thumbnails-square"),
    picture_route("/pictures/previews/preview-files/{file_name}", "previews"),
    picture_route("/movies/tiles/preview-files/{file_name}", "tiles"),
    get_original,
    get_original_download,
    movie_route("/movies/originals/preview-files/{file_name}", MOVIE_CHAINS["originals"]),
    movie_route("/movies/low/preview-files/{file_name}", MOVIE_CHAINS["low"]),
    movie_route("/movies/lowdef/preview-files/{file_name}", MOVIE_CHAINS["low"]),
    movie_route("/movies/source/preview-files/{file_name}", MOVIE_CHAINS["source"]),
    get_movie_download,
    put_set_main_preview,
    put_task_set_main_preview,
    put_update_position,
    put_update_annotations,
    get_extract_frame,
    get_extract_tile,
    post_add_preview,
    post_extra_preview,
    delete_comment_preview,
]
