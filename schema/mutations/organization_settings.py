"""updateOrganizationSettings and setStoppingPoint."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Protocol

import strawberry
from strawberry import Maybe, Some

from aisettings.models.limits import MAX_BULK_ITEMS
from aisettings.models.settings import SETTINGS, StoppingPoint
from aisettings.resolvers.mutations import organization_settings
from aisettings.resolvers.mutations.given import Given
from aisettings.resolvers.mutations.organization_settings import OrganizationChanges

from ..enums import SettingName
from ..settings import registry_type
from ..types import AuditEntry, Info, Organization, Project
from .payloads import (
    AUDIT_ENTRIES,
    BATCH_ID,
    CLIENT_MUTATION_ID_INPUT,
    INPUT,
    MutationInput,
    MutationPayload,
    given,
    payload,
)


class OrganizationSettingsChangesFields(Protocol):
    """OrganizationSettingsChangesInput as resolvers read it; its settings, one Maybe each, are read by
    registry name (the input is generated from the registry)."""

    locked_settings: Some[list[enum.Enum] | None] | None  # SettingName members
    expected_version: int | None


class OrganizationSettingsFields(OrganizationSettingsChangesFields, Protocol):
    """UpdateOrganizationSettingsInput as resolvers read it."""

    organization_id: strawberry.ID
    client_mutation_id: str | None


def organization_changes(changes_input: OrganizationSettingsChangesFields) -> OrganizationChanges:
    """The changes as the resolvers take them."""
    locked = changes_input.locked_settings
    return OrganizationChanges(
        {setting.name: given(getattr(changes_input, setting.name)) for setting in SETTINGS},
        None if locked is None else Given(None if locked.value is None else [n.value for n in locked.value]),
        changes_input.expected_version,
    )


def _organization_settings_input(
    name: str,
    description: str,
    *,
    leading_fields: Mapping[str, tuple[object, object]] = {},
    extra_fields: Mapping[str, tuple[object, object]] = {},
) -> type:
    """An input of new organization settings: one Maybe per setting, then the locks and expectedVersion,
    between `leading_fields` and `extra_fields`."""
    return registry_type(
        name,
        description,
        lambda setting: Maybe[setting.value_type | None],  # type: ignore[misc,name-defined]
        is_input=True,
        leading_fields=leading_fields,
        extra_fields={
            "locked_settings": (
                Maybe[list[SettingName] | None],  # type: ignore[misc,valid-type]
                strawberry.field(
                    description="The settings to enforce on every project (replaces the current list)."
                ),
            ),
            "expected_version": (
                int | None,
                strawberry.field(
                    default=None,
                    description="Fail with STALE_VERSION unless the settings are at this version.",
                ),
            ),
            **extra_fields,
        },
    )


NEW_ORGANIZATION_SETTINGS = (
    "New organization settings. A field left out is unchanged; values are explicit (null is INVALID_VALUE)."
)

if TYPE_CHECKING:
    OrganizationSettingsChangesInput = OrganizationSettingsChangesFields
    UpdateOrganizationSettingsInput = OrganizationSettingsFields
else:
    OrganizationSettingsChangesInput = _organization_settings_input(
        "OrganizationSettingsChangesInput", NEW_ORGANIZATION_SETTINGS
    )
    UpdateOrganizationSettingsInput = _organization_settings_input(
        "UpdateOrganizationSettingsInput",
        NEW_ORGANIZATION_SETTINGS,
        leading_fields={
            "organization_id": (strawberry.ID, strawberry.field(description="The organization."))
        },
        extra_fields={
            "client_mutation_id": (
                str | None,
                strawberry.field(default=None, description=CLIENT_MUTATION_ID_INPUT),
            )
        },
    )


@strawberry.type(description="The result of updateOrganizationSettings.")
class UpdateOrganizationSettingsPayload(MutationPayload):
    organization: Organization | None = strawberry.field(
        default=None, description="The organization; null on error."
    )
    audit_entries: list[AuditEntry] = strawberry.field(default_factory=list, description=AUDIT_ENTRIES)


@strawberry.input(
    description="The stopping point of the organization and/or of projects, in one transaction."
)
class SetStoppingPointInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The organization.")
    organization_stopping_point: Maybe[StoppingPoint | None] = strawberry.field(
        description="The organization's new stopping point; left out: unchanged."
    )
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description=f"Projects to set projectStoppingPoint on (at most {MAX_BULK_ITEMS})."
    )
    project_stopping_point: Maybe[StoppingPoint | None] = strawberry.field(
        description="Required with projectIds; null makes the projects inherit."
    )


@strawberry.type(description="The result of setStoppingPoint.")
class SetStoppingPointPayload(MutationPayload):
    organization: Organization | None = strawberry.field(
        default=None, description="The organization; null on error."
    )
    projects: list[Project] = strawberry.field(
        default_factory=list, description="The targeted projects, as they are after the call."
    )
    batch_id: str | None = strawberry.field(default=None, description=BATCH_ID)


@strawberry.mutation(description="Change an organization's settings and locks (org:admin).")
async def update_organization_settings(
    info: Info, input: Annotated[UpdateOrganizationSettingsInput, INPUT]
) -> UpdateOrganizationSettingsPayload:
    return await payload(
        UpdateOrganizationSettingsPayload,
        input.client_mutation_id,
        organization_settings.update_organization_settings(
            info.context, input.organization_id, organization_changes(input)
        ),
        lambda result: {
            "organization": Organization.of(result.organization),
            "audit_entries": [AuditEntry.of(entry) for entry in result.audit_entries],
        },
    )


@strawberry.mutation(
    description="Set the stopping point of the organization (org:admin) and/or projects (project:admin)."
)
async def set_stopping_point(
    info: Info, input: Annotated[SetStoppingPointInput, INPUT]
) -> SetStoppingPointPayload:
    return await payload(
        SetStoppingPointPayload,
        input.client_mutation_id,
        organization_settings.set_stopping_point(
            info.context,
            input.organization_id,
            given(input.organization_stopping_point),
            None if input.project_ids is None else list(input.project_ids),
            given(input.project_stopping_point),
        ),
        lambda result: {
            "organization": Organization.of(result.organization),
            "projects": [Project.of(record) for record in result.projects],
            "batch_id": result.batch_id,
        },
    )
