"""/api/0/organizations/{organization}/ai-projects/bulk/: the same overrides for many projects, all or
nothing, through bulkUpdateProjectSettings' own function."""

from __future__ import annotations

from collections.abc import Awaitable

from pydantic import BaseModel
from starlette.responses import Response

from aisettings.models.settings import SETTINGS
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.mutations.errors import MutationFailed, UserError, UserErrorCode
from aisettings.resolvers.mutations.project_settings import BulkResult as Changed
from aisettings.resolvers.mutations.project_settings import bulk_update_project_settings

from .endpoint import Call, answer, rules_of
from .errors import input_path
from .serializers import BulkResult, BulkUpdate, ProjectChange, override_name, project_answer


async def bulk_update(call: Call) -> Response:
    organization = await call.organization()
    body = await call.body(BulkUpdate)
    given: BaseModel = body.changes
    changes = {
        s.name: getattr(given, override_name(s))
        for s in SETTINGS
        if override_name(s) in given.model_fields_set
    }
    result = await rules_of(
        _as_drf_errors(
            bulk_update_project_settings(
                call.context,
                encode_global_id("Organization", organization.id),
                [encode_global_id("Project", key) for key in body.project_ids],
                None,
                changes,
                dry_run=body.dry_run,
            ),
            body.project_ids,
        ),
        _rest_path,
    )
    return answer(
        BulkResult(
            affected_count=len(result.changed),
            batch_id=result.batch_id,
            projects=[
                ProjectChange(
                    id=str(diff.after.id),
                    slug=diff.after.slug,
                    before=project_answer(diff.before),
                    after=project_answer(diff.after),
                )
                for diff in result.changed
            ],
        )
    )


def _rest_path(path: list[str]) -> list[str] | None:
    if path and path[0] == "projectIds":
        return ["project_ids"]  # DRF's many related field lists its messages flat
    return input_path(path, settings_under=["changes"])


async def _as_drf_errors(work: Awaitable[Changed], project_ids: list[int]) -> Changed:
    """An unknown project is DRF's `Invalid pk "7" - object does not exist.`"""
    try:
        return await work
    except MutationFailed as failed:
        raise MutationFailed([_drf_error(error, project_ids) for error in failed.errors]) from None


def _drf_error(error: UserError, project_ids: list[int]) -> UserError:
    field = error.field or []
    if error.code is UserErrorCode.NOT_FOUND and field[1:2] == ["projectIds"] and len(field) == 3:
        key = project_ids[int(field[2])]
        return UserError(field, error.code, f'Invalid pk "{key}" - object does not exist.')
    return error
