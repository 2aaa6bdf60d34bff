"""saveSettings: a settings page's draft in one call."""

from __future__ import annotations

from typing import Annotated

import strawberry

from aisettings.models.limits import MAX_BULK_ITEMS
from aisettings.resolvers.mutations import save_settings as saving

from ..types import AuditEntry, Info, Organization, Project
from .organization_settings import OrganizationSettingsChangesInput, organization_changes
from .payloads import AUDIT_ENTRIES, BATCH_ID, INPUT, MutationInput, MutationPayload, payload
from .project_settings import ProjectSettingsChangesInput, project_changes


@strawberry.input(
    description="Everything a settings page's draft holds, in one transaction and one audit batch: the "
    "organization's settings and any number of projects' overrides. All or nothing."
)
class SaveSettingsInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The organization.")
    organization: OrganizationSettingsChangesInput | None = strawberry.field(
        default=None, description="New organization settings (org:admin); left out: unchanged."
    )
    projects: list[ProjectSettingsChangesInput] | None = strawberry.field(
        default_factory=list,
        description=f"Projects' changes (project:admin), at most {MAX_BULK_ITEMS}, each project at most "
        "once. A project's overrides are judged against the organization's locks as this call leaves them.",
    )


@strawberry.type(description="The result of saveSettings.")
class SaveSettingsPayload(MutationPayload):
    organization: Organization | None = strawberry.field(
        default=None, description="The organization, as it is after the call; null on error."
    )
    projects: list[Project] = strawberry.field(
        default_factory=list,
        description="The projects of the input, in its order, as they are after the call.",
    )
    audit_entries: list[AuditEntry] = strawberry.field(default_factory=list, description=AUDIT_ENTRIES)
    batch_id: str | None = strawberry.field(default=None, description=BATCH_ID)


@strawberry.mutation(
    description="Save a settings page's draft: the organization's settings (org:admin) and projects' "
    "overrides (project:admin), all or nothing, in one audit batch."
)
async def save_settings(info: Info, input: Annotated[SaveSettingsInput, INPUT]) -> SaveSettingsPayload:
    organization = input.organization
    return await payload(
        SaveSettingsPayload,
        input.client_mutation_id,
        saving.save_settings(
            info.context,
            input.organization_id,
            None if organization is None else organization_changes(organization),
            [project_changes(changes) for changes in input.projects or []],
        ),
        lambda result: {
            "organization": Organization.of(result.organization),
            "projects": [Project.of(record) for record in result.projects],
            "audit_entries": [AuditEntry.of(entry) for entry in result.audit_entries],
            "batch_id": result.batch_id,
        },
    )
