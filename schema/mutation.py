"""The root Mutation: inputs, payloads and the conversion between them and resolvers/mutations/."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry import Maybe, Some

from aisettings.models.repositories import (
    MAX_BRANCH_PATTERN_LENGTH,
    MAX_BRANCH_PATTERNS,
    MAX_REPOSITORY_NAME_LENGTH,
    RepositoryProvider,
)
from aisettings.models.settings import SETTINGS, SettingSource, StoppingPoint
from aisettings.models.text_limits import MAX_CLIENT_MUTATION_ID_LENGTH
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.mutations import organization_settings, project_settings, repositories
from aisettings.resolvers.mutations.errors import MutationFailed, UserErrorCode
from aisettings.resolvers.mutations.given import Given
from aisettings.resolvers.mutations.settings_changes import ProjectDiff, SettingsChanges

from .enums import SettingName, register_enum
from .settings import EffectiveSettings, effective_settings, registry_type
from .types import AuditEntry, Info, Organization, Project, ProjectFilter, Repository

register_enum(
    UserErrorCode,
    "What is wrong with a mutation's input.",
    {
        "NOT_FOUND": "No such object, or one the token may not see.",
        "INVALID_VALUE": "A value that is not allowed here (a null, a malformed name).",
        "INVALID_BRANCH_PATTERN": "A branch glob that git's ref-name rules refuse, or too many of them.",
        "STALE_VERSION": "expectedVersion is not the current version: someone changed the object since.",
        "LOCKED": "The organization locks this setting: projects cannot override it.",
        "TOO_MANY_ITEMS": "More than 1000 targets in one call.",
        "DUPLICATE": "The project already has this repository.",
        "CONFLICTING_INPUT": "Fields that exclude each other were both given, or neither.",
        "FORBIDDEN": "The token may see the object but lacks the scope to change it.",
    },
)

T = TypeVar("T")

CLIENT_MUTATION_ID = "Echoed in the payload, to match answers with calls."
CLIENT_MUTATION_ID_INPUT = (
    "Echoed in the payload, to match answers with calls "
    f"(at most {MAX_CLIENT_MUTATION_ID_LENGTH} characters)."
)
BRANCH_PATTERNS = (
    f"Branch globs (at most {MAX_BRANCH_PATTERNS}, each of at most {MAX_BRANCH_PATTERN_LENGTH} characters)"
)
INPUT = strawberry.argument(description="What to change; see the input type.")


@strawberry.type(description="Something in a mutation's input that the caller can fix. Nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='The path to the input at fault, e.g. ["input", "projectIds", "3"]; null: the whole call.'
    )
    code: UserErrorCode = strawberry.field(description="What kind of problem it is.")
    message: str = strawberry.field(description="What is wrong, in a sentence.")


@strawberry.type(description="What every mutation answers besides its result.")
class MutationPayload:
    user_errors: list[UserError] = strawberry.field(
        description="What is wrong with the input; empty on success."
    )
    client_mutation_id: str | None = strawberry.field(description=CLIENT_MUTATION_ID)


@strawberry.input(description="What every mutation's input may carry besides its arguments.")
class MutationInput:
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID_INPUT)


def _settings_input(
    name: str,
    description: str,
    leading: dict[str, tuple[object, object]] | None = None,
    trailing: dict[str, tuple[object, object]] | None = None,
) -> type:
    """An input with one field per setting (left out, null or a value), between `leading` and
    `trailing` fields."""
    return registry_type(
        name,
        description,
        lambda setting: Maybe[setting.value_type | None],  # type: ignore[misc, name-defined]
        is_input=True,
        leading_fields=leading or {},
        extra_fields=trailing or {},
    )


SettingsChangesInput = _settings_input(
    "SettingsChangesInput",
    "Changes to a project's settings. A field left out: unchanged; null: inherit (remove the override); "
    "a value: override with it.",
)

UpdateOrganizationSettingsInput = _settings_input(
    "UpdateOrganizationSettingsInput",
    "New organization settings. A field left out is unchanged; values are explicit (null is INVALID_VALUE).",
    leading={"organization_id": (strawberry.ID, strawberry.field(description="The organization."))},
    trailing={
        "locked_settings": (
            Maybe[list[SettingName] | None],  # type: ignore[misc, valid-type]
            strawberry.field(
                description="The settings to enforce on every project (replaces the current list)."
            ),
        ),
        "expected_version": (
            int | None,
            strawberry.field(
                default=None, description="Fail with STALE_VERSION unless the settings are at this version."
            ),
        ),
        "client_mutation_id": (
            str | None,
            strawberry.field(default=None, description=CLIENT_MUTATION_ID_INPUT),
        ),
    },
)


def _given(field: Some[T] | None) -> Given[T] | None:
    """Strawberry's Maybe as the resolvers' Given: left out (None), or given (its value maybe null)."""
    return None if field is None else Given(field.value)


def _changes(changes_input: Any) -> SettingsChanges:
    """Registry name -> new value (None = inherit), for the fields given."""
    return {
        setting.name: given.value
        for setting in SETTINGS
        if (given := getattr(changes_input, setting.name)) is not None
    }


@strawberry.type(description="The result of updateOrganizationSettings.")
class UpdateOrganizationSettingsPayload(MutationPayload):
    organization: Organization | None = strawberry.field(description="The organization; null on error.")
    audit_entries: list[AuditEntry] = strawberry.field(description="What the call wrote to the audit log.")


@strawberry.input(description="Changes to one project's settings.")
class UpdateProjectSettingsInput(MutationInput):
    project_id: strawberry.ID = strawberry.field(description="The project.")
    changes: SettingsChangesInput = strawberry.field(description="What to change.")  # type: ignore[valid-type]
    expected_version: int | None = strawberry.field(
        default=None, description="Fail with STALE_VERSION unless the project is at this version."
    )


@strawberry.type(description="The result of updateProjectSettings.")
class UpdateProjectSettingsPayload(MutationPayload):
    project: Project | None = strawberry.field(description="The project; null on error.")
    audit_entries: list[AuditEntry] = strawberry.field(description="What the call wrote to the audit log.")


@strawberry.input(
    description="The same changes for many projects, chosen by projectIds or by filter (exactly one), "
    "at most 1000. All or nothing."
)
class BulkUpdateProjectSettingsInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The organization of the projects.")
    project_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="These projects.")
    filter: ProjectFilter | None = strawberry.field(
        default=None, description="The projects this filter matches."
    )
    changes: SettingsChangesInput = strawberry.field(description="What to change.")  # type: ignore[valid-type]
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


def _diff(diff: ProjectDiff) -> ProjectSettingsDiff:
    after = Project.of(diff.after)
    return ProjectSettingsDiff(
        project=after,
        before=effective_settings(diff.before.effective, SettingSource.PROJECT),
        after=effective_settings(diff.after.effective, SettingSource.PROJECT),
        changed_settings=[SettingName(name) for name in diff.changed_settings()],
    )


@strawberry.type(description="The result of bulkUpdateProjectSettings.")
class BulkUpdateProjectSettingsPayload(MutationPayload):
    affected_count: int = strawberry.field(description="How many projects' raw or effective settings change.")
    diffs: list[ProjectSettingsDiff] = strawberry.field(description="One per targeted project that changes.")
    batch_id: str | None = strawberry.field(
        description="The audit batch of this call; null on dryRun, on error, or when nothing changed."
    )


@strawberry.input(description="Remove projects' overrides, so that they inherit again.")
class ResetProjectSettingsInput(MutationInput):
    project_ids: list[strawberry.ID] = strawberry.field(description="The projects (at most 1000).")
    settings: list[SettingName] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The settings to reset; default: all."
    )
    dry_run: bool | None = strawberry.field(
        default=False, description="Compute and return the same result, but write nothing."
    )


@strawberry.type(description="The result of resetProjectSettings.")
class ResetProjectSettingsPayload(MutationPayload):
    projects: list[Project] = strawberry.field(description="Every targeted project, as it is after the call.")
    diffs: list[ProjectSettingsDiff] = strawberry.field(description="One per targeted project that changes.")
    batch_id: str | None = strawberry.field(
        description="The audit batch of this call; null on dryRun, on error, or when nothing changed."
    )


@strawberry.input(
    description="The stopping point of the organization and/or of projects, in one transaction."
)
class SetStoppingPointInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The organization.")
    organization_stopping_point: Maybe[StoppingPoint | None] = strawberry.field(
        description="The organization's new stopping point; left out: unchanged."
    )
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Projects to set projectStoppingPoint on (at most 1000)."
    )
    project_stopping_point: Maybe[StoppingPoint | None] = strawberry.field(
        description="Required with projectIds; null makes the projects inherit."
    )


@strawberry.type(description="The result of setStoppingPoint.")
class SetStoppingPointPayload(MutationPayload):
    organization: Organization | None = strawberry.field(description="The organization; null on error.")
    projects: list[Project] = strawberry.field(
        description="The targeted projects, as they are after the call."
    )
    batch_id: str | None = strawberry.field(
        description="The audit batch of this call; null on error or when nothing changed."
    )


@strawberry.input(description="A repository to add to a project.")
class AddRepositoryInput(MutationInput):
    project_id: strawberry.ID = strawberry.field(description="The project.")
    provider: RepositoryProvider = strawberry.field(description="Where the repository is hosted.")
    name: str = strawberry.field(
        description='"owner/name" as the provider spells it (GitLab: nested groups), '
        f"at most {MAX_REPOSITORY_NAME_LENGTH} characters."
    )
    ai_enabled: bool | None = strawberry.field(default=True, description="Whether AI may work here.")
    branch_patterns: list[str] | None = strawberry.field(
        default_factory=list, description=f"{BRANCH_PATTERNS}; empty: the default branch only."
    )


@strawberry.type(description="The result of addRepository.")
class AddRepositoryPayload(MutationPayload):
    repository: Repository | None = strawberry.field(description="The new repository; null on error.")


@strawberry.input(description="Changes to a repository; a field left out is unchanged.")
class UpdateRepositoryInput(MutationInput):
    repository_id: strawberry.ID = strawberry.field(description="The repository.")
    ai_enabled: Maybe[bool | None] = strawberry.field(description="Whether AI may work here.")
    branch_patterns: Maybe[list[str] | None] = strawberry.field(
        description=f"{BRANCH_PATTERNS}, replacing the current ones; empty: the default branch only."
    )


@strawberry.type(description="The result of updateRepository.")
class UpdateRepositoryPayload(MutationPayload):
    repository: Repository | None = strawberry.field(description="The repository; null on error.")


@strawberry.input(description="A repository to remove from its project.")
class RemoveRepositoryInput(MutationInput):
    repository_id: strawberry.ID = strawberry.field(description="The repository.")


@strawberry.type(description="The result of removeRepository.")
class RemoveRepositoryPayload(MutationPayload):
    removed_repository_id: strawberry.ID | None = strawberry.field(
        description="The id the repository had; null on error."
    )


@strawberry.input(description="The same changes for many repositories (at most 1000). All or nothing.")
class BulkUpdateRepositoriesInput(MutationInput):
    repository_ids: list[strawberry.ID] = strawberry.field(description="The repositories.")
    ai_enabled: Maybe[bool | None] = strawberry.field(description="Whether AI may work there.")
    branch_patterns: Maybe[list[str] | None] = strawberry.field(
        description=f"{BRANCH_PATTERNS}, replacing the current ones; empty: the default branch only."
    )


@strawberry.type(description="The result of bulkUpdateRepositories.")
class BulkUpdateRepositoriesPayload(MutationPayload):
    repositories: list[Repository] = strawberry.field(
        description="The repositories, as they are after the call."
    )
    batch_id: str | None = strawberry.field(
        description="The audit batch of this call; null on error or when nothing changed."
    )


async def _attempt(operation: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """The operation's result, or its user errors (its transaction rolled back: nothing written)."""
    try:
        return await operation, []
    except MutationFailed as failure:
        return None, [UserError(field=e.field, code=e.code, message=e.message) for e in failure.errors]


def _repository(result: repositories.RepositoryInProject | None) -> Repository | None:
    return None if result is None else Repository.of(result[0], Project.of(result[1]))


@strawberry.type(description="Writes. Each mutation is one transaction, recorded in the audit log.")
class Mutation:
    @strawberry.mutation(description="Change an organization's settings and locks (org:admin).")
    async def update_organization_settings(
        self,
        info: Info,
        input: Annotated[UpdateOrganizationSettingsInput, INPUT],  # type: ignore[valid-type]
    ) -> UpdateOrganizationSettingsPayload:
        given: Any = input
        locked = given.locked_settings
        result, errors = await _attempt(
            organization_settings.update_organization_settings(
                info.context,
                given.organization_id,
                {setting.name: _given(getattr(given, setting.name)) for setting in SETTINGS},
                None
                if locked is None
                else Given(None if locked.value is None else [n.value for n in locked.value]),
                given.expected_version,
            )
        )
        return UpdateOrganizationSettingsPayload(
            organization=None if result is None else Organization.of(result.organization),
            audit_entries=[] if result is None else [AuditEntry.of(e) for e in result.audit_entries],
            user_errors=errors,
            client_mutation_id=given.client_mutation_id,
        )

    @strawberry.mutation(description="Change one project's overrides (project:admin).")
    async def update_project_settings(
        self, info: Info, input: Annotated[UpdateProjectSettingsInput, INPUT]
    ) -> UpdateProjectSettingsPayload:
        result, errors = await _attempt(
            project_settings.update_project_settings(
                info.context, input.project_id, _changes(input.changes), input.expected_version
            )
        )
        return UpdateProjectSettingsPayload(
            project=None if result is None else Project.of(result.project),
            audit_entries=[] if result is None else [AuditEntry.of(e) for e in result.audit_entries],
            user_errors=errors,
            client_mutation_id=input.client_mutation_id,
        )

    @strawberry.mutation(description="Change many projects at once, all or nothing (project:admin).")
    async def bulk_update_project_settings(
        self, info: Info, input: Annotated[BulkUpdateProjectSettingsInput, INPUT]
    ) -> BulkUpdateProjectSettingsPayload:
        result, errors = await _attempt(
            project_settings.bulk_update_project_settings(
                info.context,
                input.organization_id,
                None if input.project_ids is None else list(input.project_ids),
                None if input.filter is None else input.filter.to_spec(),
                _changes(input.changes),
                dry_run=bool(input.dry_run),
            )
        )
        changed = [] if result is None else result.changed
        return BulkUpdateProjectSettingsPayload(
            affected_count=len(changed),
            diffs=[_diff(diff) for diff in changed],
            batch_id=None if result is None else result.batch_id,
            user_errors=errors,
            client_mutation_id=input.client_mutation_id,
        )

    @strawberry.mutation(description="Remove projects' overrides so that they inherit again (project:admin).")
    async def reset_project_settings(
        self, info: Info, input: Annotated[ResetProjectSettingsInput, INPUT]
    ) -> ResetProjectSettingsPayload:
        settings = None if input.settings is None else [name.value for name in input.settings]  # type: ignore[attr-defined]
        result, errors = await _attempt(
            project_settings.reset_project_settings(
                info.context, list(input.project_ids), settings, dry_run=bool(input.dry_run)
            )
        )
        return ResetProjectSettingsPayload(
            projects=[] if result is None else [Project.of(diff.after) for diff in result.diffs],
            diffs=[] if result is None else [_diff(diff) for diff in result.changed],
            batch_id=None if result is None else result.batch_id,
            user_errors=errors,
            client_mutation_id=input.client_mutation_id,
        )

    @strawberry.mutation(
        description="Set the stopping point of the organization (org:admin) and/or projects (project:admin)."
    )
    async def set_stopping_point(
        self, info: Info, input: Annotated[SetStoppingPointInput, INPUT]
    ) -> SetStoppingPointPayload:
        result, errors = await _attempt(
            organization_settings.set_stopping_point(
                info.context,
                input.organization_id,
                _given(input.organization_stopping_point),
                None if input.project_ids is None else list(input.project_ids),
                _given(input.project_stopping_point),
            )
        )
        return SetStoppingPointPayload(
            organization=None if result is None else Organization.of(result.organization),
            projects=[] if result is None else [Project.of(record) for record in result.projects],
            batch_id=None if result is None else result.batch_id,
            user_errors=errors,
            client_mutation_id=input.client_mutation_id,
        )

    @strawberry.mutation(description="Add a repository to a project (project:admin).")
    async def add_repository(
        self, info: Info, input: Annotated[AddRepositoryInput, INPUT]
    ) -> AddRepositoryPayload:
        result, errors = await _attempt(
            repositories.add_repository(
                info.context,
                input.project_id,
                input.provider,
                input.name,
                input.ai_enabled,
                input.branch_patterns,
            )
        )
        return AddRepositoryPayload(
            repository=_repository(result), user_errors=errors, client_mutation_id=input.client_mutation_id
        )

    @strawberry.mutation(
        description="Switch a repository's AI on or off, or change its branches (project:admin)."
    )
    async def update_repository(
        self, info: Info, input: Annotated[UpdateRepositoryInput, INPUT]
    ) -> UpdateRepositoryPayload:
        result, errors = await _attempt(
            repositories.update_repository(
                info.context, input.repository_id, _given(input.ai_enabled), _given(input.branch_patterns)
            )
        )
        return UpdateRepositoryPayload(
            repository=_repository(result), user_errors=errors, client_mutation_id=input.client_mutation_id
        )

    @strawberry.mutation(description="Remove a repository from its project (project:admin).")
    async def remove_repository(
        self, info: Info, input: Annotated[RemoveRepositoryInput, INPUT]
    ) -> RemoveRepositoryPayload:
        result, errors = await _attempt(repositories.remove_repository(info.context, input.repository_id))
        return RemoveRepositoryPayload(
            removed_repository_id=None
            if result is None
            else strawberry.ID(encode_global_id("Repository", result)),
            user_errors=errors,
            client_mutation_id=input.client_mutation_id,
        )

    @strawberry.mutation(description="Change many repositories at once, all or nothing (project:admin).")
    async def bulk_update_repositories(
        self, info: Info, input: Annotated[BulkUpdateRepositoriesInput, INPUT]
    ) -> BulkUpdateRepositoriesPayload:
        result, errors = await _attempt(
            repositories.bulk_update_repositories(
                info.context,
                list(input.repository_ids),
                _given(input.ai_enabled),
                _given(input.branch_patterns),
            )
        )
        return BulkUpdateRepositoriesPayload(
            repositories=[]
            if result is None
            else [Repository.of(record, Project.of(parent)) for record, parent in result.repositories],
            batch_id=None if result is None else result.batch_id,
            user_errors=errors,
            client_mutation_id=input.client_mutation_id,
        )
