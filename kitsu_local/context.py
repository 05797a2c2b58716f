"""Who is acting and on what: the ``Actor`` (an authenticated person with their project roles)
and the ``Ctx`` every service function takes (connection, actor, settings, pending events).

Role semantics follow zou-data-model.md 7: ``admin`` is global only; inside a project the team
link's ``role`` overrides the person's global role; without a project the global role is used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from .errors import PermissionDenied
from .models import DepartmentLink, Project, ProjectPersonLink, ProjectStatus

if TYPE_CHECKING:
    from .app_state import AppState
    from .settings import Settings

OPEN_STATUS_NAME = "Open"


@dataclass
class Actor:
    person: dict[str, Any]
    identity_type: str = "person"  # person (interactive), bot, person_api
    # project id -> per-project role override (None: the global role applies)
    memberships: dict[str, str | None] = field(default_factory=dict)
    department_ids: frozenset[str] = frozenset()
    open_project_ids: frozenset[str] = frozenset()  # member projects whose status is Open
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.person["id"]

    @property
    def role(self) -> str:
        return self.person["role"]

    @property
    def is_admin(self) -> bool:
        return self.person["role"] == "admin"

    @property
    def is_bot(self) -> bool:
        return self.identity_type == "bot"

    @property
    def member_project_ids(self) -> frozenset[str]:
        return frozenset(self.memberships)

    def is_member(self, project_id: str | None) -> bool:
        return self.is_admin or (project_id is not None and project_id in self.memberships)

    def role_in(self, project_id: str | None) -> str:
        """The effective role inside a project (the global role outside any project)."""
        if self.is_admin:
            return "admin"
        override = self.memberships.get(project_id) if project_id else None
        return override or self.role

    def is_manager_of(self, project_id: str | None) -> bool:
        return self.is_admin or (
            self.is_member(project_id) and self.role_in(project_id) == "manager"
        )

    def is_supervisor_of(self, project_id: str | None) -> bool:
        """Manager or supervisor in the project (admins included)."""
        return self.is_admin or (
            self.is_member(project_id) and self.role_in(project_id) in ("manager", "supervisor")
        )

    def has_manager_role(self) -> bool:
        return self.is_admin or self.role == "manager"

    # ---- checks that raise 403 ----------------------------------------------------------
    def require_admin(self) -> None:
        if not self.is_admin:
            raise PermissionDenied()

    def require_member(self, project_id: str | None) -> None:
        if not self.is_member(project_id):
            raise PermissionDenied()

    def require_manager(self, project_id: str | None) -> None:
        if not self.is_manager_of(project_id):
            raise PermissionDenied()

    def require_supervisor(self, project_id: str | None) -> None:
        if not self.is_supervisor_of(project_id):
            raise PermissionDenied()

    def require_not_vendor(self) -> None:
        if self.role == "vendor":
            raise PermissionDenied()

    def require_person(self) -> None:
        """Person-only routes (``/data/user/*``, password and 2FA management) refuse bots."""
        if self.is_bot:
            raise PermissionDenied()


async def load_actor(
    conn: AsyncConnection,
    person: dict[str, Any],
    identity_type: str = "person",
    claims: dict[str, Any] | None = None,
) -> Actor:
    person_id = person["id"]
    links = (
        await conn.execute(
            select(ProjectPersonLink.project_id, ProjectPersonLink.role).where(
                ProjectPersonLink.person_id == person_id
            )
        )
    ).all()
    departments = (
        await conn.execute(
            select(DepartmentLink.department_id).where(DepartmentLink.person_id == person_id)
        )
    ).scalars()
    memberships = {row.project_id: row.role if row.role != "admin" else None for row in links}
    open_ids: frozenset[str] = frozenset()
    if memberships:
        open_ids = frozenset(
            (
                await conn.execute(
                    select(Project.id)
                    .join(ProjectStatus, ProjectStatus.id == Project.project_status_id)
                    .where(Project.id.in_(list(memberships)))
                    .where(ProjectStatus.name == OPEN_STATUS_NAME)
                )
            ).scalars()
        )
    return Actor(
        person=person,
        identity_type=identity_type,
        memberships=memberships,
        department_ids=frozenset(departments),
        open_project_ids=open_ids,
        claims=claims or {},
    )


@dataclass
class Ctx:
    """One unit of work: everything a service function needs, and nothing of HTTP."""

    conn: AsyncConnection
    state: AppState
    actor: Actor | None = None
    client_ip: str | None = None
    user_agent: str = ""
    # The request's query options (first value of each), for list options like with_pass_hash.
    params: dict[str, str] = field(default_factory=dict)
    # Events written in this transaction, published once it commits.
    pending_events: list[dict[str, Any]] = field(default_factory=list)
    # What to do once the transaction has committed (wake the job workers...).
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def is_browser(self) -> bool:
        """Whether the request comes from a web browser (Zou: ``flask_utils.is_from_browser``),
        which decides where the auth routes put the tokens (cookies) and a login's origin."""
        return is_browser_agent(self.user_agent)

    @property
    def actor_id(self) -> str | None:
        return self.actor.id if self.actor is not None else None

    @property
    def me(self) -> Actor:
        if self.actor is None:  # pragma: no cover - routes needing an actor always resolve one
            raise PermissionDenied()
        return self.actor


BROWSER_FAMILIES = frozenset(
    {
        "Brave", "Chrome", "Chrome Mobile", "Chrome Mobile iOS", "Edge", "Firefox",
        "Mobile Safari", "Opera", "Safari", "Vivaldi", "Chromium", "HeadlessChrome",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=256)
def is_browser_agent(user_agent: str) -> bool:
    """ua-parser's family of the agent is a browser's. Its rules (hundreds of regexes) load on
    the first call, so only the routes that ask pay for them, not the server's start."""
    if not user_agent:
        return False
    from ua_parser import parse_user_agent

    parsed = parse_user_agent(user_agent)
    return parsed is not None and parsed.family in BROWSER_FAMILIES
