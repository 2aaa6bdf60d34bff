"""updateProjectSettings, bulkUpdateProjectSettings and resetProjectSettings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Protocol

import strawberry
from strawberry import Maybe

from aisettings.models.limits import MAX_BULK_ITEMS
from aisettings.models.settings import SETTINGS, SettingSource
from aisettings.resolvers.mutations import project_settings
from aisettings.resolvers.mutations.project_settings import ProjectChanges
from aisettings.resolvers.mutations.settings_changes import ProjectDiff, SettingsChanges

from ..enums import SettingName
from ..settings import EffectiveSettings, effective_settings, registry_type
from ..types import AuditEntry, Info, Project, ProjectFilter
from .payloads import AUDIT_ENTRIES, INPUT, MutationInput, MutationPayload, payload


class SettingsChangesFields(Protocol):
    """SettingsChangesInput as resolvers read it: one Maybe per setting, read by registry name (the
    input is generated from the registry)."""


if TYPE_CHECKING:
    SettingsChangesInput = SettingsChangesFields
else:
    SettingsChangesInput = registry_type(
        "SettingsChangesInput",
        "Changes to a project's settings. A field left out: unchanged; null: inherit (remove the "
        "override); a value: override with it.",
        lambda setting: Maybe[setting.value_type | None],
        is_input=True,
    )


def _changes(changes_input: SettingsChangesFields) -> SettingsChanges:
    """Registry name -> new value (None = inherit), for the fields given."""
    return {
        setting.name: given.value
        for setting in SETTINGS
        if (given := getattr(changes_input, setting.name)) is not None
    }


@strawberry.input(description="Changes to one project's settings.")
class ProjectSettingsChangesInput:
    project_id: strawberry.ID = strawberry.field(description="The project.")
    changes: SettingsChangesInput = strawberry.field(description="What to change.")
    expected_version: int | None = strawberry.field(
        default=None, description="Fail with STALE_VERSION unless the project is at this version."
    )


def project_changes(changes_input: ProjectSettingsChangesInput) -> ProjectChanges:
    """The changes as the resolvers take them."""
    return ProjectChanges(
        changes_input.project_id, _changes(changes_input.changes), changes_input.expected_version
    )


@strawberry.input(description="Changes to one project's settings.")
class UpdateProjectSettingsInput(MutationInput, ProjectSettingsChangesInput):
    pass


@strawberry.type(description="The result of updateProjectSettings.")
class UpdateProjectSettingsPayload(MutationPayload):
    project: Project | None = strawberry.field(default=None, description="The project; null on error.")
    audit_entries: list[AuditEntry] = strawberry.field(default_factory=list, description=AUDIT_ENTRIES)


@strawberry.input(
    description="The same changes for many projects, chosen by projectIds or by filter (exactly one), "
    f"at most {MAX_BULK_ITEMS}. All or nothing."
)
class BulkUpdateProjectSettingsInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The organization of the projects.")
    project_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="These projects.")
    filter: ProjectFilter | None = strawberry.field(
        default=None, description="The projects this filter matches."
    )
    changes: SettingsChangesInput = strawberry.field(description="What to change.")
    dry_run: bool | None = strawberry.field(
        default=False, description="Compute and return the same result, but write nothing."
    )


@strawberry.type(description="How one project's settings change.")
class ProjectSettingsDiff:
    project: Project = strawberry.field(description="The project, as it is after the change.")
    before: EffectiveSettings = strawberry.field(description="The settings in force before.")  # type: ignore[valid-type]
    after: EffectiveSettings = strawberry.field(description="The settings in force after.")  # type: ignore[valid-type]
    changed_settings: list[SettingName] = strawberry.field(  # type: ignore[valid-type]
        description="The settings whose value in force changes."
    )

    @classmethod
    def of(cls, diff: ProjectDiff) -> ProjectSettingsDiff:
        return cls(
            project=Project.of(diff.after),
            before=effective_settings(diff.before.effective, SettingSource.PROJECT),
            after=effective_settings(diff.after.effective, SettingSource.PROJECT),
            changed_settings=[SettingName(name) for name in diff.changed_settings()],
        )


BATCH_ID = "The audit batch of this call; null on dryRun, on error, or when nothing changed."


@strawberry.type(description="The result of bulkUpdateProjectSettings.")
class BulkUpdateProjectSettingsPayload(MutationPayload):
    affected_count: int = strawberry.field(
        default=0, description="How many projects' raw or effective settings change."
    )
    diffs: list[ProjectSettingsDiff] = strawberry.field(
        default_factory=list, description="One per targeted project that changes."
    )
    batch_id: str | None = strawberry.field(default=None, description=BATCH_ID)


@strawberry.input(description="Remove projects' overrides, so that they inherit again.")
class ResetProjectSettingsInput(MutationInput):
    project_ids: list[strawberry.ID] = strawberry.field(
        description=f"The projects (at most {MAX_BULK_ITEMS})."
    )
    settings: list[SettingName] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The settings to reset; default: all."
    )
    dry_run: bool | None = strawberry.field(
        default=False, description="Compute and return the same result, but write nothing."
    )


@strawberry.type(description="The result of resetProjectSettings.")
class ResetProjectSettingsPayload(MutationPayload):
    projects: list[Project] = strawberry.field(
        default_factory=list, description="Every targeted project, as it is after the call."
    )
    diffs: list[ProjectSettingsDiff] = strawberry.field(
        default_factory=list, description="One per targeted project that changes."
    )
    batch_id: str | None = strawberry.field(default=None, description=BATCH_ID)


@strawberry.mutation(description="Change one project's overrides (project:admin).")
async def update_project_settings(
    info: Info, input: Annotated[UpdateProjectSettingsInput, INPUT]
) -> UpdateProjectSettingsPayload:
    return await payload(
        UpdateProjectSettingsPayload,
        input.client_mutation_id,
        project_settings.update_project_settings(info.context, project_changes(input)),
        lambda result: {
            "project": Project.of(result.project),
            "audit_entries": [AuditEntry.of(entry) for entry in result.audit_entries],
        },
    )


@strawberry.mutation(description="Change many projects at once, all or nothing (project:admin).")
async def bulk_update_project_settings(
    info: Info, input: Annotated[BulkUpdateProjectSettingsInput, INPUT]
) -> BulkUpdateProjectSettingsPayload:
    return await payload(
        BulkUpdateProjectSettingsPayload,
        input.client_mutation_id,
        project_settings.bulk_update_project_settings(
            info.context,
            input.organization_id,
            None if input.project_ids is None else list(input.project_ids),
            None if input.filter is None else input.filter.to_spec(),
            _changes(input.changes),
            dry_run=bool(input.dry_run),
        ),
        lambda result: {
            "affected_count": len(result.changed),
            "diffs": [ProjectSettingsDiff.of(diff) for diff in result.changed],
            "batch_id": result.batch_id,
        },
    )


@strawberry.mutation(description="Remove projects' overrides so that they inherit again (project:admin).")
async def reset_project_settings(
    info: Info, input: Annotated[ResetProjectSettingsInput, INPUT]
) -> ResetProjectSettingsPayload:
    settings = None if input.settings is None else [name.value for name in input.settings]  # type: ignore[attr-defined]
    return await payload(
        ResetProjectSettingsPayload,
        input.client_mutation_id,
        project_settings.reset_project_settings(
            info.context, list(input.project_ids), settings, dry_run=bool(input.dry_run)
        ),
        lambda result: {
            "projects": [Project.of(diff.after) for diff in result.diffs],
            "diffs": [ProjectSettingsDiff.of(diff) for diff in result.changed],
            "batch_id": result.batch_id,
        },
    )
