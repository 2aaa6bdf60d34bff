"""/api/0/organizations/{organization}/ai-settings/: the organization's settings, through
updateOrganizationSettings' own function."""

from __future__ import annotations

from starlette.responses import Response

from aisettings.models.settings import SETTINGS
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.mutations.given import Given
from aisettings.resolvers.mutations.organization_settings import (
    OrganizationChanges,
    update_organization_settings,
)
from aisettings.resolvers.records import OrganizationRecord

from .endpoint import Call, answer, etag, rules_of
from .errors import input_path
from .serializers import (
    LOCKED_SETTINGS,
    Body,
    OrganizationSettingsPatch,
    OrganizationSettingsPut,
    organization_answer,
)


async def get_settings(call: Call) -> Response:
    organization = await call.organization()
    return _answer(organization)


async def put_settings(call: Call) -> Response:
    """Every setting as given or its default; the locks only when given (an old client leaves them)."""
    organization = await call.organization()
    body = await call.body(OrganizationSettingsPut)
    return await _update(
        call, organization, body, {s.name for s in SETTINGS} | (body.model_fields_set & {LOCKED_SETTINGS})
    )


async def patch_settings(call: Call) -> Response:
    organization = await call.organization()
    body = await call.body(OrganizationSettingsPatch)
    return await _update(call, organization, body, body.model_fields_set)


async def _update(call: Call, organization: OrganizationRecord, body: Body, given: set[str]) -> Response:
    locked = getattr(body, LOCKED_SETTINGS)
    result = await rules_of(
        update_organization_settings(
            call.context,
            encode_global_id("Organization", organization.id),
            OrganizationChanges(
                {s.name: Given(getattr(body, s.name)) if s.name in given else None for s in SETTINGS},
                Given(locked) if LOCKED_SETTINGS in given else None,
                call.expected_version(),
            ),
        ),
        input_path,
    )
    return _answer(result.organization)


def _answer(organization: OrganizationRecord) -> Response:
    return answer(organization_answer(organization), headers=etag(organization.settings_version))
