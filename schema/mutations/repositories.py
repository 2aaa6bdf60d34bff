"""addRepository, updateRepository, removeRepository and bulkUpdateRepositories."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Maybe

from aisettings.models.limits import (
    MAX_BRANCH_PATTERN_LENGTH,
    MAX_BRANCH_PATTERNS,
    MAX_BULK_ITEMS,
    MAX_REPOSITORY_NAME_LENGTH,
)
from aisettings.models.repositories import RepositoryProvider
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.mutations import repositories
from aisettings.resolvers.mutations.repositories import RepositoryInProject

from ..types import Info, Project, Repository
from .payloads import INPUT, MutationInput, MutationPayload, given, payload

BRANCH_PATTERNS = (
    f"Branch globs (at most {MAX_BRANCH_PATTERNS}, each of at most {MAX_BRANCH_PATTERN_LENGTH} characters)"
)
REPLACING_BRANCH_PATTERNS = f"{BRANCH_PATTERNS}, replacing the current ones; empty: the default branch only."
EXPECTED_VERSION = "Fail with STALE_VERSION unless the repository is at this version."


def _repository(result: RepositoryInProject) -> dict[str, Repository]:
    record, parent = result
    return {"repository": Repository.of(record, Project.of(parent))}


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
    repository: Repository | None = strawberry.field(
        default=None, description="The new repository; null on error."
    )


@strawberry.input(description="Changes to a repository; a field left out is unchanged.")
class UpdateRepositoryInput(MutationInput):
    repository_id: strawberry.ID = strawberry.field(description="The repository.")
    ai_enabled: Maybe[bool | None] = strawberry.field(description="Whether AI may work here.")
    branch_patterns: Maybe[list[str] | None] = strawberry.field(description=REPLACING_BRANCH_PATTERNS)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.type(description="The result of updateRepository.")
class UpdateRepositoryPayload(MutationPayload):
    repository: Repository | None = strawberry.field(
        default=None, description="The repository; null on error."
    )


@strawberry.input(description="A repository to remove from its project.")
class RemoveRepositoryInput(MutationInput):
    repository_id: strawberry.ID = strawberry.field(description="The repository.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.type(description="The result of removeRepository.")
class RemoveRepositoryPayload(MutationPayload):
    removed_repository_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id the repository had; null on error."
    )


@strawberry.input(
    description=f"The same changes for many repositories (at most {MAX_BULK_ITEMS}). All or nothing."
)
class BulkUpdateRepositoriesInput(MutationInput):
    repository_ids: list[strawberry.ID] = strawberry.field(description="The repositories.")
    ai_enabled: Maybe[bool | None] = strawberry.field(description="Whether AI may work there.")
    branch_patterns: Maybe[list[str] | None] = strawberry.field(description=REPLACING_BRANCH_PATTERNS)


@strawberry.type(description="The result of bulkUpdateRepositories.")
class BulkUpdateRepositoriesPayload(MutationPayload):
    repositories: list[Repository] = strawberry.field(
        default_factory=list, description="The repositories, as they are after the call."
    )
    batch_id: str | None = strawberry.field(
        default=None, description="The audit batch of this call; null on error or when nothing changed."
    )


@strawberry.mutation(description="Add a repository to a project (project:admin).")
async def add_repository(info: Info, input: Annotated[AddRepositoryInput, INPUT]) -> AddRepositoryPayload:
    return await payload(
        AddRepositoryPayload,
        input.client_mutation_id,
        repositories.add_repository(
            info.context,
            input.project_id,
            input.provider,
            input.name,
            input.ai_enabled,
            input.branch_patterns,
        ),
        _repository,
    )


@strawberry.mutation(
    description="Switch a repository's AI on or off, or change its branches (project:admin)."
)
async def update_repository(
    info: Info, input: Annotated[UpdateRepositoryInput, INPUT]
) -> UpdateRepositoryPayload:
    return await payload(
        UpdateRepositoryPayload,
        input.client_mutation_id,
        repositories.update_repository(
            info.context,
            input.repository_id,
            given(input.ai_enabled),
            given(input.branch_patterns),
            input.expected_version,
        ),
        _repository,
    )


@strawberry.mutation(description="Remove a repository from its project (project:admin).")
async def remove_repository(
    info: Info, input: Annotated[RemoveRepositoryInput, INPUT]
) -> RemoveRepositoryPayload:
    return await payload(
        RemoveRepositoryPayload,
        input.client_mutation_id,
        repositories.remove_repository(info.context, input.repository_id, input.expected_version),
        lambda key: {"removed_repository_id": strawberry.ID(encode_global_id("Repository", key))},
    )


@strawberry.mutation(description="Change many repositories at once, all or nothing (project:admin).")
async def bulk_update_repositories(
    info: Info, input: Annotated[BulkUpdateRepositoriesInput, INPUT]
) -> BulkUpdateRepositoriesPayload:
    return await payload(
        BulkUpdateRepositoriesPayload,
        input.client_mutation_id,
        repositories.bulk_update_repositories(
            info.context, list(input.repository_ids), given(input.ai_enabled), given(input.branch_patterns)
        ),
        lambda result: {
            "repositories": [
                Repository.of(record, Project.of(parent)) for record, parent in result.repositories
            ],
            "batch_id": result.batch_id,
        },
    )
