"""/api/0/projects/{organization}/{project}/ai-settings/ (through updateProjectSettings' own function)
and /api/0/organizations/{organization}/ai-projects/, the projects with overrides."""

from __future__ import annotations

from starlette.responses import Response

from aisettings.models.database import single_read
from aisettings.models.settings import SETTINGS
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.lookups import project_slice
from aisettings.resolvers.mutations.project_settings import ProjectChanges, update_project_settings
from aisettings.resolvers.projects import ProjectFilter
from aisettings.resolvers.records import ProjectRecord

from .endpoint import Call, answer, etag, rules_of
from .errors import input_path
from .pagination import paginate
from .serializers import Body, ProjectSettingsPatch, ProjectSettingsPut, override_name, project_answer

WITH_OVERRIDES = ProjectFilter(has_overrides=True)


async def get_settings(call: Call) -> Response:
    found = await call.project()
    return _answer(found)


async def put_settings(call: Call) -> Response:
    found = await call.project()
    body = await call.body(ProjectSettingsPut)
    return await _update(call, found, body)


async def patch_settings(call: Call) -> Response:
    found = await call.project()
    body = await call.body(ProjectSettingsPatch)
    return await _update(call, found, body)


async def _update(call: Call, found: ProjectRecord, body: Body) -> Response:
    """The overrides the body gives (all of them in a PUT, whose fields are required)."""
    changes = {
        s.name: getattr(body, override_name(s)) for s in SETTINGS if override_name(s) in body.model_fields_set
    }
    result = await rules_of(
        update_project_settings(
            call.context,
            ProjectChanges(encode_global_id("Project", found.id), changes, call.expected_version()),
        ),
        lambda path: input_path(path, settings_under=[]),
    )
    return _answer(result.project)


def _answer(found: ProjectRecord) -> Response:
    return answer(project_answer(found), headers=etag(found.version))


async def list_with_overrides(call: Call) -> Response:
    """The projects that override a setting, by slug: org:read as the original API had it, and
    project:read as every read of projects has it."""
    organization = await call.organization()

    async def read(offset: int, limit: int) -> list[ProjectRecord]:
        async with single_read(call.settings.engine) as connection:
            return await project_slice(connection, organization, WITH_OVERRIDES, offset, limit)

    page, link = await paginate(call.request, read)
    return answer([project_answer(record) for record in page], headers={"Link": link})
