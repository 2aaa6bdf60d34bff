"""/api/0/projects/{organization}/{project}/ai-settings/repositories/ and .../{repository}/: a project's
repositories, through addRepository's, updateRepository's and removeRepository's own functions."""

from __future__ import annotations

from starlette.responses import Response

from aisettings.models.database import single_read
from aisettings.models.repositories import RepositoryProvider
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.lookups import primary_key_of, repository_of_project, repository_slice
from aisettings.resolvers.mutations.given import Given
from aisettings.resolvers.mutations.repositories import add_repository, remove_repository, update_repository
from aisettings.resolvers.records import ProjectRecord, RepositoryRecord

from .endpoint import Call, answer, etag, rules_of
from .errors import input_path, not_found
from .pagination import paginate
from .serializers import RepositoryCreate, RepositoryPatch, RepositoryPut, repository_answer

FIELDS = ("ai_enabled", "branch_patterns")


async def list_repositories(call: Call) -> Response:
    parent = await call.project()

    async def read(offset: int, limit: int) -> list[RepositoryRecord]:
        async with single_read(call.settings.engine) as connection:
            return await repository_slice(connection, parent, offset, limit)

    page, link = await paginate(call.request, read)
    return answer([repository_answer(record, parent) for record in page], headers={"Link": link})


async def create_repository(call: Call) -> Response:
    parent = await call.project()
    body = await call.body(RepositoryCreate)
    added, now_parent = await rules_of(
        add_repository(
            call.context,
            encode_global_id("Project", parent.id),
            RepositoryProvider(body.provider),
            body.name,
            body.ai_enabled,
            body.branch_patterns,
        ),
        input_path,
    )
    location = f"{call.request.url.replace(query='')}{added.id}/"
    return answer(repository_answer(added, now_parent), 201, {"Location": location, **etag(added.version)})


async def _repository(call: Call) -> tuple[RepositoryRecord, ProjectRecord]:
    """The repository of the path, in the project of the path (404 otherwise)."""
    parent = await call.project()
    key = primary_key_of(call.request.path_params["repository"])
    found = None
    if key is not None:
        async with single_read(call.settings.engine) as connection:
            found = await repository_of_project(connection, parent, key)
    if found is None:
        raise not_found()
    return found, parent


async def get_repository(call: Call) -> Response:
    return _answer(*await _repository(call))


def _answer(found: RepositoryRecord, parent: ProjectRecord) -> Response:
    return answer(repository_answer(found, parent), headers=etag(found.version))


async def put_repository(call: Call) -> Response:
    found, _ = await _repository(call)
    body = await call.body(RepositoryPut)
    return await _update(call, found, body.ai_enabled, body.branch_patterns, set(FIELDS))


async def patch_repository(call: Call) -> Response:
    found, _ = await _repository(call)
    body = await call.body(RepositoryPatch)
    return await _update(call, found, body.ai_enabled, body.branch_patterns, body.model_fields_set)


async def _update(
    call: Call,
    found: RepositoryRecord,
    ai_enabled: bool | None,
    branch_patterns: list[str] | None,
    given: set[str],
) -> Response:
    updated, parent = await rules_of(
        update_repository(
            call.context,
            encode_global_id("Repository", found.id),
            Given(ai_enabled) if "ai_enabled" in given else None,
            Given(branch_patterns) if "branch_patterns" in given else None,
            call.expected_version(),
        ),
        input_path,
    )
    return _answer(updated, parent)


async def delete_repository(call: Call) -> Response:
    found, _ = await _repository(call)
    await rules_of(
        remove_repository(call.context, encode_global_id("Repository", found.id), call.expected_version()),
        input_path,
    )
    return answer(None, 204)
