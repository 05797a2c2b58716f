"""What travels between kitsu-local and a remote, in which order, read from which remote route.

A *kind* is one table of records keyed by id (its CRUD route names it: ``entities``,
``tasks``...). ``KINDS`` is in dependency order: a record only points at records of kinds before
it (foreign keys), except preview files and comments, which point at each other through
relation lists (ids unknown at import are dropped, and the next pass restores them).

The synced *fields* of a record are its table's columns as the API serializes them, plus the
relation id lists named in ``relations``; ``created_at`` and ``updated_at`` travel but are not
compared (each side stamps its own writes).

Studio kinds (reference data and persons) are pulled; only project kinds are pushed, through
Zou's ``/import/kitsu/*`` routes, because Zou's CRUD routes drop the ``id`` of a new record
(ids must stay the same on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass

STUDIO, PROJECT = "studio", "project"
NOT_COMPARED = frozenset({"created_at", "updated_at", "type"})


@dataclass(frozen=True)
class Kind:
    route: str  # our CRUD route, Zou's /data/<route>
    scope: str  # STUDIO or PROJECT
    listing: str  # remote path listing the records ({p}: the project id)
    paged: bool = False  # listing answers Zou's page shape with ?page=N
    relations: tuple[str, ...] = ()  # relation id lists that travel with the record
    import_name: str | None = None  # push route /import/kitsu/<import_name>
    event_prefixes: tuple[str, ...] = ()  # event names "<prefix>:<action>" about this kind
    # Fields a pull does not write back at once (a preview the entity points at arrives later).
    deferred: tuple[str, ...] = ()
    # Fields the servers set themselves (dates, counters): changed on both sides, the later
    # value wins instead of a conflict (two comments on one task are no conflict).
    derived: tuple[str, ...] = ()

    @property
    def id_keys(self) -> tuple[str, ...]:
        """The keys of an event's data that hold the record id."""
        return tuple(f"{prefix.replace('-', '_')}_id" for prefix in self.event_prefixes)


PROJECT_LINKS = (
    "team", "task_types", "task_statuses", "asset_types", "status_automations",
    "preview_background_files",
)  # fmt: skip
ENTITY_PREFIXES = ("asset", "shot", "sequence", "episode", "scene", "edit", "concept", "entity")

KINDS: tuple[Kind, ...] = (
    Kind("departments", STUDIO, "/data/departments", event_prefixes=("department",)),
    Kind("studios", STUDIO, "/data/studios", event_prefixes=("studio",)),
    Kind("task-types", STUDIO, "/data/task-types", event_prefixes=("task-type",)),
    Kind("task-status", STUDIO, "/data/task-status", event_prefixes=("task-status",)),
    Kind("project-status", STUDIO, "/data/project-status", event_prefixes=("project-status",)),
    Kind(
        "entity-types",
        STUDIO,
        "/data/entity-types?relations=true",
        relations=("task_types",),
        event_prefixes=("asset-type", "entity-type"),
    ),
    Kind(
        "status-automations",
        STUDIO,
        "/data/status-automations",
        event_prefixes=("status-automation",),
    ),
    Kind(
        "persons",
        STUDIO,
        "/data/persons?relations=true",
        relations=("departments",),
        event_prefixes=("person",),
    ),
    Kind(
        "projects",
        PROJECT,
        "/data/projects?relations=true&id={p}",
        relations=PROJECT_LINKS,
        import_name="projects",
        event_prefixes=("project",),
    ),
    Kind(
        "metadata-descriptors",
        PROJECT,
        "/data/metadata-descriptors?project_id={p}&relations=true",
        relations=("departments",),
        import_name="metadata-descriptors",
        event_prefixes=("metadata-descriptor",),
    ),
    Kind(
        "milestones",
        PROJECT,
        "/data/milestones?project_id={p}",
        import_name="milestones",
        event_prefixes=("milestone",),
    ),
    Kind(
        "entities",
        PROJECT,
        "/data/entities?project_id={p}&relations=true&limit=1000",
        paged=True,
        relations=("entity_concept_links",),
        import_name="entities",
        event_prefixes=ENTITY_PREFIXES,
        deferred=("preview_file_id",),
        derived=("preview_file_id", "nb_entities_out"),
    ),
    Kind(
        "entity-links",
        PROJECT,
        "/data/projects/{p}/entity-links",
        import_name="entity-links",
        event_prefixes=("entity-link",),
    ),
    Kind(
        "tasks",
        PROJECT,
        "/data/tasks?project_id={p}&relations=true&limit=1000",
        paged=True,
        relations=("assignees",),
        import_name="tasks",
        derived=(
            "last_comment_date",
            "last_preview_file_id",
            "retake_count",
            "real_start_date",
            "end_date",
            "done_date",
            "nb_assets_ready",
            "nb_drawings",
        ),
        event_prefixes=("task",),
    ),
    Kind(
        "time-spents",
        PROJECT,
        "/data/projects/{p}/time-spents",
        import_name="time-spents",
        event_prefixes=("time-spent",),
    ),
    Kind(
        "preview-files",
        PROJECT,
        "/data/projects/{p}/preview-files",
        paged=True,
        import_name="preview-files",
        event_prefixes=("preview-file",),
    ),
    Kind(
        "comments",
        PROJECT,
        "/data/projects/{p}/comments",
        paged=True,
        relations=("previews", "mentions", "department_mentions", "acknowledgements"),
        import_name="comments",
        event_prefixes=("comment",),
    ),
    Kind(
        "attachment-files",
        PROJECT,
        "/data/projects/{p}/attachment-files",
        import_name="attachment-files",
        event_prefixes=("attachment-file",),
    ),
    Kind(
        "schedule-items",
        PROJECT,
        "/data/schedule-items?project_id={p}",
        import_name="schedule-items",
        event_prefixes=("schedule-item",),
    ),
    Kind(
        "playlists",
        PROJECT,
        "/data/playlists?project_id={p}",
        paged=True,
        import_name="playlists",
        event_prefixes=("playlist",),
    ),
)

BY_ROUTE = {kind.route: kind for kind in KINDS}
BY_PREFIX = {prefix: kind for kind in KINDS for prefix in kind.event_prefixes}
