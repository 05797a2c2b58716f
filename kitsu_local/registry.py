"""THE model registry: one entry per model served by the generic ``/data/<route>`` routes.

Each ``ModelSpec`` says, once: the CRUD route, the wire ``type``, hidden and read-only fields,
the relations serialized as id lists, who may do what (section 6 of zou-data-model.md) and the
hooks holding the model's own rules. ``api/crud.py`` builds the five routes of every entry from
this list; ``services/crud.py`` runs them. To find how ``/data/<route>`` behaves, grep its
route name here.

The registry sits above the services (Decision 10 of ARCHITECTURE.md): it imports their hooks
and permission checks, and ``install()`` hands its entries down to ``services/spec.py`` at
start-up, so no service imports this module.
"""

from __future__ import annotations

from . import permissions as can
from .models import (
    ApiEvent,
    AssetInstance,
    AssetInstanceLink,
    AttachmentFile,
    Budget,
    BudgetEntry,
    BuildJob,
    Chat,
    ChatMessage,
    ChatParticipant,
    Comment,
    CommentAcknoledgments,
    CommentDepartmentMentions,
    CommentMentions,
    CommentPreviewLink,
    CustomAction,
    DayOff,
    Department,
    DepartmentLink,
    DepartmentMetadataDescriptorLink,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    FileStatus,
    HardwareItem,
    MetadataDescriptor,
    Milestone,
    News,
    Notification,
    Organisation,
    OutputFile,
    OutputType,
    Person,
    Playlist,
    Plugin,
    PreviewBackgroundFile,
    PreviewFile,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    ProductionScheduleVersionTaskLinkPersonLink,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectPreviewBackgroundFileLink,
    ProjectStatus,
    ProjectStatusAutomationLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    ProjectTemplate,
    ProjectTemplateAssetTypeLink,
    ProjectTemplatePreviewBackgroundFileLink,
    ProjectTemplateStatusAutomationLink,
    ProjectTemplateTaskStatusLink,
    ProjectTemplateTaskTypeLink,
    SalaryScale,
    ScheduleItem,
    SearchFilter,
    SearchFilterGroup,
    Software,
    StatusAutomation,
    Studio,
    Subscription,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TaskTypeAssetTypeLink,
    TimeSpent,
    WorkingFile,
)  # fmt: skip
from .services import (
    comments,
    entities,
    files,
    persons,
    playlists,
    projects,
    schedules,
    studio,
    tasks,
)
from .services import spec as lookup
from .services.event_log import EventLogHooks
from .services.spec import ModelSpec, Policy, Relation, anyone


def _link(name: str, model: type, local: str, remote: str, target: type | None) -> Relation:
    return Relation(name, model.__table__, local, remote, target.__table__ if target else None)


def _children(name: str, model: type, local: str) -> Relation:
    """A one-to-many collection (ids of the child rows), read only."""
    return Relation(name, model.__table__, local, "id", None)


# Studio-wide reference tables: everybody reads, admins write.
REFERENCE = Policy(read_list=anyone, read=anyone)

PROJECT_LINKS = (
    _link("task_types", ProjectTaskTypeLink, "project_id", "task_type_id", TaskType),
    _link("task_statuses", ProjectTaskStatusLink, "project_id", "task_status_id", TaskStatus),
    _link("asset_types", ProjectAssetTypeLink, "project_id", "asset_type_id", EntityType),
    _link("status_automations", ProjectStatusAutomationLink, "project_id", "status_automation_id",
          StatusAutomation),
    _link("preview_background_files", ProjectPreviewBackgroundFileLink, "project_id",
          "preview_background_file_id", PreviewBackgroundFile),
)  # fmt: skip
TEMPLATE_LINKS = (
    _link("task_types", ProjectTemplateTaskTypeLink, "project_template_id", "task_type_id", TaskType),
    _link("task_statuses", ProjectTemplateTaskStatusLink, "project_template_id", "task_status_id",
          TaskStatus),
    _link("asset_types", ProjectTemplateAssetTypeLink, "project_template_id", "asset_type_id",
          EntityType),
    _link("status_automations", ProjectTemplateStatusAutomationLink, "project_template_id",
          "status_automation_id", StatusAutomation),
    _link("preview_background_files", ProjectTemplatePreviewBackgroundFileLink,
          "project_template_id", "preview_background_file_id", PreviewBackgroundFile),
)  # fmt: skip

REGISTRY: tuple[ModelSpec, ...] = (
    # ---- studio -------------------------------------------------------------------------
    ModelSpec("organisations", Organisation, REFERENCE, studio.OrganisationHooks()),
    ModelSpec("studios", Studio, REFERENCE),
    ModelSpec("departments", Department, REFERENCE),
    ModelSpec("hardware-items", HardwareItem),
    ModelSpec("softwares", Software, REFERENCE),
    ModelSpec("project-status", ProjectStatus, REFERENCE),
    ModelSpec("task-status", TaskStatus, REFERENCE, studio.TaskStatusHooks()),
    ModelSpec("task-types", TaskType, REFERENCE, studio.TaskTypeHooks()),
    ModelSpec(
        "entity-types",
        EntityType,
        REFERENCE,
        studio.EntityTypeHooks(),
        relations=(
            _link("task_types", TaskTypeAssetTypeLink, "asset_type_id", "task_type_id", TaskType),
        ),
    ),
    ModelSpec("file-status", FileStatus, REFERENCE),
    ModelSpec("output-types", OutputType, REFERENCE),
    ModelSpec(
        "custom-actions",
        CustomAction,
        Policy(read_list=can.not_vendor),
        studio.CustomActionHooks(),
    ),
    ModelSpec(
        "status-automations",
        StatusAutomation,
        Policy(read_list=can.not_vendor),
        studio.StatusAutomationHooks(),
    ),
    ModelSpec(
        "preview-background-files",
        PreviewBackgroundFile,
        REFERENCE,
        studio.PreviewBackgroundFileHooks(),
    ),
    ModelSpec(
        "salary-scales",
        SalaryScale,
        Policy(),
        studio.SalaryScaleHooks(),
        read_only=frozenset({"department_id"}),
        writes_on_read=True,
    ),
    ModelSpec("plugins", Plugin),
    # ---- people -------------------------------------------------------------------------
    ModelSpec(
        "persons",
        Person,
        Policy(
            read_list=anyone,
            read=anyone,
            update=persons.check_person_update,
            delete=persons.check_person_delete,
        ),
        persons.PersonHooks(),
        relations=(_link("departments", DepartmentLink, "person_id", "department_id", Department),),
        hidden=persons.SENSITIVE_FIELDS,
        body_by_hooks=frozenset({"password"}),
    ),
    ModelSpec(
        "day-offs",
        DayOff,
        Policy(
            create=can.body_own_person_or_admin,
            read=can.own_person_or_admin,
            update=can.own_person_or_admin,
            delete=can.own_person_or_admin,
        ),
        tasks.DayOffHooks(),
    ),
    # ---- projects -----------------------------------------------------------------------
    ModelSpec(
        "projects",
        Project,
        Policy(
            read_list=anyone,
            scope=can.related_projects_by_id,
            read=projects.check_project_read,
            update=projects.check_project_update,
        ),
        projects.ProjectHooks(),
        relations=(
            _link("team", ProjectPersonLink, "project_id", "person_id", Person),
            *PROJECT_LINKS,
        ),
        read_only=frozenset({"team"}),
        body_by_hooks=frozenset({"project_template_id"}),
    ),
    ModelSpec(
        "project-templates",
        ProjectTemplate,
        Policy(read_list=can.manager_or_admin, read=can.manager_or_admin),
        relations=TEMPLATE_LINKS,
    ),
    ModelSpec(
        "metadata-descriptors",
        MetadataDescriptor,
        Policy(read_list=can.not_vendor, scope=can.related_projects),
        projects.MetadataDescriptorHooks(),
        relations=(
            _link(
                "departments",
                DepartmentMetadataDescriptorLink,
                "metadata_descriptor_id",
                "department_id",
                Department,
            ),
        ),
    ),
    ModelSpec(
        "milestones",
        Milestone,
        Policy(
            create=can.body_project_manager,
            read=can.project_member_not_vendor,
            update=can.project_manager,
            delete=can.project_manager,
        ),
    ),
    ModelSpec(
        "schedule-items",
        ScheduleItem,
        Policy(update=schedules.check_schedule_item_update),
        schedules.ScheduleItemHooks(),
    ),
    ModelSpec(
        "production-schedule-versions",
        ProductionScheduleVersion,
        Policy(
            read_list=schedules.check_schedule_versions_list,
            create=can.body_project_manager,
            read=schedules.check_schedule_version_read,
            update=can.project_manager,
        ),
        schedules.ProductionScheduleVersionHooks(),
    ),
    ModelSpec(
        "production-schedule-version-task-links",
        ProductionScheduleVersionTaskLink,
        Policy(
            read_list=schedules.check_version_task_links_list,
            create=schedules.check_version_task_link_create,
            read=schedules.check_version_task_link_read,
            update=schedules.check_version_task_link_change,
            delete=schedules.check_version_task_link_change,
        ),
        relations=(
            _link(
                "assignees",
                ProductionScheduleVersionTaskLinkPersonLink,
                "production_schedule_version_task_link_id",
                "person_id",
                Person,
            ),
        ),
        read_only=frozenset({"task_id", "production_schedule_version_id"}),
    ),
    ModelSpec("budgets", Budget, read_only=frozenset({"revision"})),
    ModelSpec("budget-entries", BudgetEntry, read_only=frozenset({"budget_id"})),
    # ---- breakdown ----------------------------------------------------------------------
    ModelSpec(
        "entities",
        Entity,
        Policy(
            read_list=anyone,
            scope=can.entities_scope,
            create=entities.check_entity_create,
            read=entities.check_entity_read,
            update=entities.check_entity_update,
            delete=entities.check_entity_delete,
        ),
        entities.EntityHooks(),
        relations=(
            _link("entities_out", EntityLink, "entity_in_id", "entity_out_id", Entity),
            _link("entities_in", EntityLink, "entity_out_id", "entity_in_id", Entity),
            _link(
                "entity_concept_links", EntityConceptLink, "entity_in_id", "entity_out_id", Entity
            ),
            _link(
                "instance_casting",
                AssetInstanceLink,
                "entity_id",
                "asset_instance_id",
                AssetInstance,
            ),
        ),
    ),
    ModelSpec("entity-links", EntityLink),
    ModelSpec(
        "asset-instances",
        AssetInstance,
        Policy(
            read=entities.check_asset_instance_access,
            update=entities.check_asset_instance_access,
        ),
        relations=(_link("shots", AssetInstanceLink, "asset_instance_id", "entity_id", Entity),),
        read_only=frozenset({"number"}),
    ),
    # ---- tasks and reviews --------------------------------------------------------------
    ModelSpec(
        "tasks",
        Task,
        Policy(
            read_list=anyone,
            scope=can.tasks_scope,
            create=tasks.check_task_create,
            read=tasks.check_task_read,
            update=tasks.check_task_update,
            delete=tasks.check_task_delete,
        ),
        tasks.TaskHooks(),
        relations=(_link("assignees", TaskPersonLink, "task_id", "person_id", Person),),
    ),
    ModelSpec(
        "time-spents",
        TimeSpent,
        Policy(delete=tasks.check_time_spent_delete),
        tasks.TimeSpentHooks(),
    ),
    ModelSpec(
        "comments",
        Comment,
        Policy(
            read=comments.check_comment_read,
            update=comments.check_comment_update,
            delete=comments.check_comment_delete,
        ),
        comments.CommentHooks(),
        relations=(
            _link("previews", CommentPreviewLink, "comment", "preview_file", PreviewFile),
            _link("mentions", CommentMentions, "comment", "person", Person),
            _link(
                "department_mentions",
                CommentDepartmentMentions,
                "comment",
                "department",
                Department,
            ),
            _link("acknowledgements", CommentAcknoledgments, "comment", "person", Person),
            _children("attachment_files", AttachmentFile, "comment_id"),
        ),
    ),
    ModelSpec(
        "attachment-files",
        AttachmentFile,
        Policy(read=files.check_attachment_read),
        files.AttachmentFileHooks(),
    ),
    ModelSpec(
        "preview-files",
        PreviewFile,
        Policy(
            read_list=anyone,
            scope=can.preview_files_scope,
            read=files.check_preview_read,
            update=files.check_preview_update,
            delete=files.check_preview_delete,
        ),
        files.PreviewFileHooks(),
        relations=(_link("comments", CommentPreviewLink, "preview_file", "comment", Comment),),
    ),
    ModelSpec("subscriptions", Subscription),
    ModelSpec("notifications", Notification, hooks=comments.NotificationHooks()),
    ModelSpec("news", News),
    # ---- files --------------------------------------------------------------------------
    ModelSpec(
        "working-files",
        WorkingFile,
        Policy(
            read_list=can.not_vendor,
            scope=can.working_files_scope,
            read=files.check_working_file_read,
            update=files.check_working_file_update,
        ),
        relations=(_children("outputs", OutputFile, "source_file_id"),),
    ),
    ModelSpec(
        "output-files",
        OutputFile,
        Policy(
            read_list=can.not_vendor,
            scope=can.output_files_scope,
            read=files.check_output_file_read,
            update=files.check_output_file_update,
        ),
        files.OutputFileHooks(),
    ),
    # ---- playlists and chats ------------------------------------------------------------
    ModelSpec(
        "playlists",
        Playlist,
        Policy(
            read_list=can.not_vendor,
            scope=can.playlists_scope,
            create=can.body_project_supervisor,
            read=can.project_member_not_vendor,
            update=playlists.check_playlist_change,
            delete=playlists.check_playlist_change,
        ),
        playlists.PlaylistHooks(),
        relations=(_children("build_jobs", BuildJob, "playlist_id"),),
    ),
    ModelSpec(
        "chats",
        Chat,
        relations=(_link("participants", ChatParticipant, "chat_id", "person_id", Person),),
    ),
    ModelSpec(
        "chat-messages",
        ChatMessage,
        relations=(_children("attachment_files", AttachmentFile, "chat_message_id"),),
    ),
    # ---- saved searches and system ------------------------------------------------------
    ModelSpec("search-filters", SearchFilter),
    ModelSpec("search-filter-groups", SearchFilterGroup),
    ModelSpec("events", ApiEvent, hooks=EventLogHooks()),
)


def install() -> None:
    """Hand the entries to the services' look-up (``services.spec``); the app and the CLI call
    it once at start-up, before any request or job runs."""
    lookup.install(REGISTRY)
