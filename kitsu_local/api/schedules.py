"""Planning routes of a production: milestones, schedule items, budgets, quotas, and production
schedule versions against the production.

GET    /data/projects/{project_id}/milestones                                milestones
GET    /data/projects/{project_id}/schedule-items                            every schedule item
GET    /data/projects/{project_id}/schedule-items/task-types                 task type items (created when missing)
GET    /data/projects/{project_id}/schedule-items/{task_type_id}/asset-types asset type items of a task type
GET    /data/projects/{project_id}/schedule-items/{task_type_id}/episodes    episode items of a task type
GET    /data/projects/{project_id}/schedule-items/{task_type_id}/sequences   sequence items of a task type
GET    /data/projects/{project_id}/schedule-items/{task_type_id}/edits       edit items of a task type
GET    /data/projects/{project_id}/budgets                                   budgets
POST   /data/projects/{project_id}/budgets                                   new budget (next revision)
GET    /data/projects/{project_id}/budgets/time-spents                       time spent per department, person, month
GET    /data/projects/{project_id}/budgets/{budget_id}                       one budget
PUT    /data/projects/{project_id}/budgets/{budget_id}                       rename, change currency
DELETE /data/projects/{project_id}/budgets/{budget_id}                       delete with its entries
GET    /data/projects/{project_id}/budgets/{budget_id}/entries               entries of a budget
POST   /data/projects/{project_id}/budgets/{budget_id}/entries               new entry
GET    /data/projects/{project_id}/budgets/{budget_id}/entries/{entry_id}    one entry
PUT    /data/projects/{project_id}/budgets/{budget_id}/entries/{entry_id}    update an entry
DELETE /data/projects/{project_id}/budgets/{budget_id}/entries/{entry_id}    delete an entry
GET    /data/projects/{project_id}/quotas/{task_type_id}                     shot quotas per person
GET    /data/projects/{project_id}/quotas/persons/{person_id}                shot quotas of a person per task type
GET    /data/production-schedule-versions/{production_schedule_version_id}/task-links       task links of a version
POST   /actions/production-schedule-versions/{production_schedule_version_id}/apply-to-production  version -> tasks
POST   /actions/production-schedule-versions/{production_schedule_version_id}/set-task-links-from-production  tasks -> version
POST   /actions/production-schedule-versions/{production_schedule_version_id}/set-task-links-from-production-schedule-version  version -> version
"""

from __future__ import annotations

from litestar import Request
from pydantic import Field

from ..bodies import Body
from ..context import Ctx
from ..services import budgets, quotas, schedule_versions, schedules
from .endpoint import endpoint, parse

PROJECT = "/data/projects/{project_id}"
BUDGET = PROJECT + "/budgets/{budget_id}"
ENTRY = BUDGET + "/entries/{entry_id}"
VERSION_ACTIONS = "/actions/production-schedule-versions/{production_schedule_version_id}"


# ---- request bodies (Zou's pydantic schemas) -------------------------------------------------
class BudgetBody(Body):
    name: str = Field(min_length=1)
    currency: str | None = Field("USD", max_length=3)


class BudgetUpdateBody(Body):
    name: str | None = None
    currency: str | None = Field(None, max_length=3)


class BudgetEntryUpdateBody(Body):
    department_id: str | None = None
    person_id: str | None = None
    start_date: str | None = None
    months_duration: int | None = None
    daily_salary: float | None = None
    position: str | None = None
    seniority: str | None = None
    exceptions: dict | None = None


class BudgetEntryBody(BudgetEntryUpdateBody):
    department_id: str = Field(min_length=1)


class ScheduleVersionCopyBody(Body):
    production_schedule_version_id: str = Field(min_length=1)


# ---- milestones and schedule items -----------------------------------------------------------
@endpoint("GET", PROJECT + "/milestones")
async def get_milestones(ctx: Ctx, project_id: str) -> object:
    return await schedules.project_milestones(ctx, project_id)


@endpoint("GET", PROJECT + "/schedule-items")
async def get_schedule_items(ctx: Ctx, project_id: str) -> object:
    return await schedules.project_schedule_items(ctx, project_id)


# Listing schedule items creates the missing ones, as Zou does: these GETs write.
@endpoint("GET", PROJECT + "/schedule-items/task-types", write=True)
async def get_task_type_schedule_items(ctx: Ctx, project_id: str) -> object:
    return await schedules.task_type_schedule_items(ctx, project_id)


@endpoint("GET", PROJECT + "/schedule-items/{task_type_id}/asset-types", write=True)
async def get_asset_type_schedule_items(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await schedules.entity_schedule_items(ctx, project_id, task_type_id, "asset-types")


@endpoint("GET", PROJECT + "/schedule-items/{task_type_id}/episodes", write=True)
async def get_episode_schedule_items(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await schedules.entity_schedule_items(ctx, project_id, task_type_id, "episodes")


@endpoint("GET", PROJECT + "/schedule-items/{task_type_id}/sequences", write=True)
async def get_sequence_schedule_items(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await schedules.entity_schedule_items(ctx, project_id, task_type_id, "sequences")


@endpoint("GET", PROJECT + "/schedule-items/{task_type_id}/edits", write=True)
async def get_edit_schedule_items(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await schedules.entity_schedule_items(ctx, project_id, task_type_id, "edits")


# ---- budgets -----------------------------------------------------------------------------------
@endpoint("GET", PROJECT + "/budgets")
async def get_budgets(ctx: Ctx, project_id: str) -> object:
    return await budgets.project_budgets(ctx, project_id)


@endpoint("POST", PROJECT + "/budgets")
async def post_budget(ctx: Ctx, request: Request, project_id: str) -> object:
    await schedules.require_manager_access(ctx, project_id)
    body = await parse(request, BudgetBody)
    return await budgets.create_budget(ctx, project_id, body.name, body.currency)


@endpoint("GET", PROJECT + "/budgets/time-spents")
async def get_budget_time_spents(ctx: Ctx, project_id: str) -> object:
    return await budgets.month_time_spents(ctx, project_id)


@endpoint("GET", BUDGET)
async def get_budget(ctx: Ctx, project_id: str, budget_id: str) -> object:
    return await budgets.get_budget(ctx, project_id, budget_id)


@endpoint("PUT", BUDGET)
async def put_budget(ctx: Ctx, request: Request, project_id: str, budget_id: str) -> object:
    await schedules.require_manager_access(ctx, project_id)
    body = await parse(request, BudgetUpdateBody)
    return await budgets.update_budget(ctx, project_id, budget_id, body.model_dump())


@endpoint("DELETE", BUDGET)
async def delete_budget(ctx: Ctx, project_id: str, budget_id: str) -> object:
    await budgets.delete_budget(ctx, project_id, budget_id)
    return None, 204


@endpoint("GET", BUDGET + "/entries")
async def get_budget_entries(ctx: Ctx, project_id: str, budget_id: str) -> object:
    return await budgets.budget_entries(ctx, project_id, budget_id)


@endpoint("POST", BUDGET + "/entries")
async def post_budget_entry(ctx: Ctx, request: Request, project_id: str, budget_id: str) -> object:
    await schedules.require_manager_access(ctx, project_id)
    body = await parse(request, BudgetEntryBody)
    fields = body.model_dump(exclude_none=True, exclude={"exceptions"})
    return await budgets.create_budget_entry(ctx, project_id, budget_id, fields)


@endpoint("GET", ENTRY)
async def get_budget_entry(ctx: Ctx, project_id: str, budget_id: str, entry_id: str) -> object:
    return await budgets.get_budget_entry(ctx, project_id, budget_id, entry_id)


@endpoint("PUT", ENTRY)
async def put_budget_entry(
    ctx: Ctx, request: Request, project_id: str, budget_id: str, entry_id: str
) -> object:
    await schedules.require_manager_access(ctx, project_id)
    body = await parse(request, BudgetEntryUpdateBody)
    changes = body.model_dump(exclude_unset=True)
    return await budgets.update_budget_entry(ctx, project_id, budget_id, entry_id, changes)


@endpoint("DELETE", ENTRY)
async def delete_budget_entry(ctx: Ctx, project_id: str, budget_id: str, entry_id: str) -> object:
    await budgets.delete_budget_entry(ctx, project_id, budget_id, entry_id)
    return None, 204


# ---- quotas ------------------------------------------------------------------------------------
@endpoint("GET", PROJECT + "/quotas/{task_type_id}")
async def get_task_type_quotas(ctx: Ctx, project_id: str, task_type_id: str) -> object:
    return await quotas.task_type_quotas(ctx, project_id, task_type_id)


@endpoint("GET", PROJECT + "/quotas/persons/{person_id}")
async def get_person_quotas(ctx: Ctx, project_id: str, person_id: str) -> object:
    return await quotas.person_quotas(ctx, project_id, person_id)


# ---- production schedule versions ------------------------------------------------------------
@endpoint("GET", "/data/production-schedule-versions/{production_schedule_version_id}/task-links")
async def get_version_task_links(ctx: Ctx, production_schedule_version_id: str) -> object:
    return await schedule_versions.version_task_links(ctx, production_schedule_version_id)


@endpoint("POST", VERSION_ACTIONS + "/apply-to-production")
async def post_apply_version(ctx: Ctx, production_schedule_version_id: str) -> object:
    return await schedule_versions.apply_to_production(ctx, production_schedule_version_id)


@endpoint("POST", VERSION_ACTIONS + "/set-task-links-from-production")
async def post_links_from_production(ctx: Ctx, production_schedule_version_id: str) -> object:
    return await schedule_versions.set_links_from_production(ctx, production_schedule_version_id)


@endpoint("POST", VERSION_ACTIONS + "/set-task-links-from-production-schedule-version")
async def post_links_from_version(
    ctx: Ctx, request: Request, production_schedule_version_id: str
) -> object:
    await schedule_versions.require_version_manager(ctx, production_schedule_version_id)
    body = await parse(request, ScheduleVersionCopyBody)
    return await schedule_versions.set_links_from_version(
        ctx, production_schedule_version_id, body.production_schedule_version_id
    )


ROUTES = [
    get_milestones,
    get_schedule_items,
    get_task_type_schedule_items,
    get_asset_type_schedule_items,
    get_episode_schedule_items,
    get_sequence_schedule_items,
    get_edit_schedule_items,
    get_budgets,
    post_budget,
    get_budget_time_spents,
    get_budget,
    put_budget,
    delete_budget,
    get_budget_entries,
    post_budget_entry,
    get_budget_entry,
    put_budget_entry,
    delete_budget_entry,
    get_task_type_quotas,
    get_person_quotas,
    get_version_task_links,
    post_apply_version,
    post_links_from_production,
    post_links_from_version,
]
