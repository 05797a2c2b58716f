"""Database creation and Zou's default data (zou-data-model.md section 9): project statuses,
task statuses, departments and task types of a studio domain, asset types, temporal entity types,
and the organisation row. Idempotent: only what is missing is created."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import rows
from ..app_state import AppState
from ..models import Department, EntityType, Organisation, ProjectStatus, TaskStatus, TaskType
from . import migrate

TEMPORAL_TYPES = ("Episode", "Sequence", "Shot", "Edit", "Scene", "Concept")

PROJECT_STATUSES = (("Open", "#000000"), ("Closed", "#000000"))

# name, short_name, color, flags
TASK_STATUSES: tuple[tuple[str, str, str, dict[str, bool]], ...] = (
    ("Todo", "todo", "#f5f5f5", {"is_default": True}),
    ("Work In Progress", "wip", "#3273dc", {"is_wip": True}),
    ("Waiting For Approval", "wfa", "#ab26ff", {"is_feedback_request": True}),
    ("Retake", "retake", "#ff3860", {"is_retake": True}),
    ("Done", "done", "#22d160", {"is_done": True}),
    ("Ready To Start", "ready", "#fbc02d", {}),
    ("Neutral", "neutral", "#CCCCCC", {"is_default": True, "for_concept": True}),
    ("Approved", "approved", "#66BB6A", {"for_concept": True}),
    ("Rejected", "rejected", "#E81123", {"for_concept": True}),
)

ASSET_TYPES = {
    "3d": ("Character", "Prop", "Environment", "FX"),
    "2d": ("Character", "Prop", "Background", "FX"),
    "vfx": ("Character", "Prop", "Environment", "FX", "Vehicle"),
    "games": ("Character", "Prop", "Environment", "FX", "UI"),
}

# department -> color; task types: (name, color, priority, for_entity, department)
_3D_DEPARTMENTS = {
    "Modeling": "#78909C",
    "Animation": "#009688",
    "FX": "#26C6DA",
    "Compositing": "#F06292",
    "Concept": "#8D6E63",
    "Layout": "#7CB342",
}
_3D_TASK_TYPES = (
    ("Modeling", "#78909C", 2, "Asset", "Modeling"),
    ("Shading", "#64B5F6", 3, "Asset", "Modeling"),
    ("Rigging", "#9CCC65", 4, "Asset", "Animation"),
    ("Animation", "#009688", 3, "Shot", "Animation"),
    ("FX", "#26C6DA", 5, "Shot", "FX"),
    ("Lighting", "#F9A825", 4, "Shot", "Compositing"),
    ("Rendering", "#F06292", 6, "Shot", "Compositing"),
    ("Compositing", "#ff5252", 7, "Shot", "Compositing"),
    ("Edit", "#9b298c", 8, "Edit", "Compositing"),
    ("Concept", "#8D6E63", 1, "Asset", "Concept"),
    ("Storyboard", "#43A047", 1, "Shot", "Concept"),
    ("Concept", "#8D6E63", 1, "Concept", None),
    ("Layout", "#7CB342", 2, "Shot", "Layout"),
)
DOMAINS: dict[str, tuple[dict[str, str], tuple[tuple[str, str, int, str, str], ...]]] = {
    "3d": (_3D_DEPARTMENTS, _3D_TASK_TYPES),
    "2d": (
        {"Concept": "#8D6E63", "Layout": "#7CB342", "Animation": "#009688", "Compositing": "#F06292"},
        (
            ("Concept", "#8D6E63", 1, "Asset", "Concept"),
            ("Storyboard", "#43A047", 1, "Shot", "Concept"),
            ("Layout", "#7CB342", 2, "Shot", "Layout"),
            ("Animation", "#009688", 3, "Shot", "Animation"),
            ("Clean-up", "#4DB6AC", 4, "Shot", "Animation"),
            ("Color", "#F9A825", 5, "Shot", "Compositing"),
            ("Compositing", "#ff5252", 6, "Shot", "Compositing"),
            ("Edit", "#9b298c", 7, "Edit", "Compositing"),
            ("Concept", "#8D6E63", 1, "Concept", None),
        ),
    ),
    "vfx": (
        {**_3D_DEPARTMENTS, "Matchmove": "#5C6BC0", "DMP": "#8D6E63"},
        (*tuple((name, color, 9 if name == "Edit" else priority, kind, department) for name, color, priority, kind, department in _3D_TASK_TYPES), ("Matchmove", "#5C6BC0", 1, "Shot", "Matchmove"), ("Rotomation", "#7986CB", 2, "Shot", "Matchmove"), ("DMP", "#A1887F", 8, "Shot", "DMP")),
    ),
    "games": (
        {
            "Game Design": "#7B1FA2", "Level Design": "#00897B", "Character Art": "#78909C",
            "Environment Art": "#43A047", "Animation": "#009688", "VFX": "#26C6DA",
            "QA": "#E53935", "Concept": "#8D6E63",
        },
        (
            ("Game Design", "#7B1FA2", 1, "Asset", "Game Design"),
            ("Level Design", "#00897B", 2, "Asset", "Level Design"),
            ("Character Art", "#78909C", 3, "Asset", "Character Art"),
            ("Environment Art", "#43A047", 4, "Asset", "Environment Art"),
            ("Animation", "#009688", 5, "Asset", "Animation"),
            ("VFX", "#26C6DA", 6, "Asset", "VFX"),
            ("Concept", "#8D6E63", 1, "Concept", None),
            ("QA", "#E53935", 1, "Shot", "QA"),
        ),
    ),
}  # fmt: skip


async def prepare_database(state: AppState, fill: bool = False) -> migrate.SchemaChange:
    """Bring the schema to the newest revision (``migrate.py``: one query when it is current)
    and fill Zou's default data where missing: when the schema was just made or upgraded
    (a new release may bring new defaults), or when ``fill`` asks (``init-db``). As ``zou
    init-data``, not at every start: a default a studio deleted stays deleted, and a start
    with a current schema writes nothing before the server listens."""
    change = await migrate.prepare_schema(state)
    if fill or change.action != "current":
        async with state.db.write() as conn:
            await fill_default_data(conn, state.settings.init_data_domain)
    return change


async def fill_default_data(conn: Any, domain: str = "3d") -> None:
    if domain not in DOMAINS:
        domain = "3d"
    for name, color in PROJECT_STATUSES:
        await _ensure(conn, ProjectStatus, {"name": name}, {"color": color})
    for name in TEMPORAL_TYPES:
        await _ensure(conn, EntityType, {"name": name}, {})
    for name in ASSET_TYPES[domain]:
        await _ensure(conn, EntityType, {"name": name}, {})
    for name, short_name, color, flags in TASK_STATUSES:
        await _ensure(
            conn,
            TaskStatus,
            {"short_name": short_name},
            {"name": name, "color": color, "is_artist_allowed": True, "is_client_allowed": True,
             **flags},
        )  # fmt: skip
    departments, task_types = DOMAINS[domain]
    department_ids = {}
    for name, color in departments.items():
        row = await _ensure(conn, Department, {"name": name}, {"color": color})
        department_ids[name] = row["id"]
    for name, color, priority, for_entity, department in task_types:
        await _ensure(
            conn,
            TaskType,
            {
                "name": name,
                "for_entity": for_entity,
                "department_id": department_ids[department] if department else None,
            },
            {"color": color, "priority": priority, "short_name": "", "allow_timelog": True},
        )
    await ensure_organisation(conn)


async def ensure_organisation(conn: Any) -> dict[str, Any]:
    row = await rows.first_where(conn, Organisation, Organisation.id.is_not(None))
    if row is None:
        row = await rows.insert_row(conn, Organisation, {"name": "Kitsu"})
    return row


async def _ensure(
    conn: Any, model: Any, keys: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    table = model.__table__
    query = select(table).where(*(table.c[key] == value for key, value in keys.items()))
    row = (await conn.execute(query.limit(1))).mappings().first()
    if row is not None:
        return dict(row)
    return await rows.insert_row(conn, table, {**keys, **values})
