"""Every table of the schema (SQLModel), and ``metadata`` to create them."""

from sqlmodel import SQLModel

from .breakdown import (
    AssetInstance,
    AssetInstanceLink,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityVersion,
)
from .chats import Chat, ChatMessage, ChatParticipant
from .files import OutputFile, WorkingFile
from .people import DayOff, DepartmentLink, DesktopLoginLog, LoginLog, Person
from .playlists import BuildJob, Playlist, PlaylistShareLink
from .projects import (
    Budget,
    BudgetEntry,
    DepartmentMetadataDescriptorLink,
    MetadataDescriptor,
    Milestone,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    ProductionScheduleVersionTaskLinkPersonLink,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectPreviewBackgroundFileLink,
    ProjectStatusAutomationLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    ProjectTemplate,
    ProjectTemplateAssetTypeLink,
    ProjectTemplatePreviewBackgroundFileLink,
    ProjectTemplateStatusAutomationLink,
    ProjectTemplateTaskStatusLink,
    ProjectTemplateTaskTypeLink,
    ScheduleItem,
)
from .reference import (
    CustomAction,
    Department,
    EntityType,
    FileStatus,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    OutputType,
    Plugin,
    PreviewBackgroundFile,
    ProjectStatus,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    StatusAutomation,
    Studio,
    TaskStatus,
    TaskType,
    TaskTypeAssetTypeLink,
)
from .search_filters import SearchFilter, SearchFilterGroup
from .sync import SyncBase, SyncConflict, SyncRemoteState
from .system import ApiEvent, DataImportError, Job, KeyValue
from .tasks import (
    AttachmentFile,
    Comment,
    CommentAcknoledgments,
    CommentDepartmentMentions,
    CommentMentions,
    CommentPreviewLink,
    News,
    Notification,
    PreviewFile,
    Subscription,
    Task,
    TaskPersonLink,
    TimeSpent,
)

metadata = SQLModel.metadata


def model_for_table(table_name: str) -> type[SQLModel]:
    """The model class of a table name (``project_task_status_link`` -> ``ProjectTaskStatusLink``)."""
    return next(
        model
        for name in __all__
        if getattr(model := globals()[name], "__tablename__", None) == table_name
    )


__all__ = [
    "ApiEvent", "AssetInstance", "AssetInstanceLink", "AttachmentFile", "Budget", "BudgetEntry",
    "BuildJob", "Chat", "ChatMessage", "ChatParticipant", "Comment", "CommentAcknoledgments",
    "CommentDepartmentMentions", "CommentMentions", "CommentPreviewLink", "CustomAction",
    "DataImportError", "DayOff", "Department", "DepartmentLink",
    "DepartmentMetadataDescriptorLink", "DesktopLoginLog", "Entity", "EntityConceptLink",
    "EntityLink", "EntityType", "EntityVersion", "FileStatus", "HardwareItem",
    "HardwareItemDepartmentLink", "Job", "KeyValue", "LoginLog", "MetadataDescriptor", "Milestone",
    "News", "Notification", "Organisation", "OutputFile", "OutputType", "Person", "Playlist",
    "PlaylistShareLink", "Plugin", "PreviewBackgroundFile", "PreviewFile",
    "ProductionScheduleVersion", "ProductionScheduleVersionTaskLink",
    "ProductionScheduleVersionTaskLinkPersonLink", "Project", "ProjectAssetTypeLink",
    "ProjectPersonLink", "ProjectPreviewBackgroundFileLink", "ProjectStatus",
    "ProjectStatusAutomationLink", "ProjectTaskStatusLink", "ProjectTaskTypeLink",
    "ProjectTemplate", "ProjectTemplateAssetTypeLink", "ProjectTemplatePreviewBackgroundFileLink",
    "ProjectTemplateStatusAutomationLink", "ProjectTemplateTaskStatusLink",
    "ProjectTemplateTaskTypeLink", "SalaryScale", "ScheduleItem", "SearchFilter",
    "SearchFilterGroup", "Software", "SoftwareDepartmentLink", "StatusAutomation", "Studio",
    "Subscription", "SyncBase", "SyncConflict", "SyncRemoteState", "Task", "TaskPersonLink",
    "TaskStatus", "TaskType", "TaskTypeAssetTypeLink", "TimeSpent", "WorkingFile", "metadata", "model_for_table",
]  # fmt: skip
