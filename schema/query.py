"""The root Query: global ids, the viewer, organizations by slug."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from aisettings.models.limits import MAX_NODE_IDS, MAX_ORGANIZATIONS_PAGE, MAX_SLUG_LENGTH
from aisettings.resolvers.context import Context
from aisettings.resolvers.errors import LimitExceeded
from aisettings.resolvers.global_ids import decode_global_id
from aisettings.resolvers.organizations import fetch_organization_page
from aisettings.resolvers.pagination import Page, page_size
from aisettings.resolvers.records import OrganizationRecord

from .connections import Connection, connection
from .types import AFTER, FIRST, AuditEntry, Info, Node, Organization, Project, Repository


@strawberry.type(description="Who is asking: the user behind the API token.")
class Viewer:
    login: str = strawberry.field(description="The user's login.")

    @strawberry.field(description="The organizations this token may read.")
    async def organizations(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Organization]:
        context = info.context
        return await context.reads.read(
            fetch_organization_page,
            context.viewer.visible_organization_ids(),
            page_size(first, MAX_ORGANIZATIONS_PAGE),
            after,
            shown_as=_organization_connection,
        )


def _organization_connection(page: Page[OrganizationRecord]) -> Connection[Organization]:
    return connection(page, Organization.of)


async def _resolve_node(info: Info, global_id: str) -> Node | None:
    type_name, key = decode_global_id(global_id)
    loaders = info.context.loaders
    if type_name == "Organization":
        organization = await loaders.organization_by_id.load(key)
        return None if organization is None else Organization.of(organization)
    if type_name == "Project":
        project = await loaders.project_by_id.load(key)
        return None if project is None else Project.of(project)
    if type_name == "Repository":
        repository = await loaders.repository_by_id.load(key)
        if repository is None:
            return None
        parent = await loaders.project_by_id.load(repository.project_id)
        return None if parent is None else Repository.of(repository, Project.of(parent))
    entry = await loaders.audit_entry_by_id.load(key)
    return None if entry is None else AuditEntry.of(entry)


@strawberry.type(description="Reads.")
class Query:
    @strawberry.field(
        description="The object with this global id; null when there is none the viewer may see."
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")]
    ) -> Node | None:
        return await _resolve_node(info, id)

    @strawberry.field(
        description=f"The objects with these global ids, in order; null for each the viewer may not see. "
        f"At most {MAX_NODE_IDS} ids."
    )
    async def nodes(
        self, info: Info, ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")]
    ) -> list[Node | None]:
        if len(ids) > MAX_NODE_IDS:
            raise LimitExceeded(f"`ids` has {len(ids)} ids, over the maximum of {MAX_NODE_IDS}.")
        # Gathered, so that the loaders batch every id of a type into one statement.
        return list(await asyncio.gather(*(_resolve_node(info, global_id) for global_id in ids)))

    @strawberry.field(description="Who is asking.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer(login=info.context.viewer.login)

    @strawberry.field(
        description="An organization by slug; null when it does not exist or the viewer may not see it."
    )
    async def organization(
        self,
        info: Info,
        slug: Annotated[
            str,
            strawberry.argument(
                description=f"The organization's slug (at most {MAX_SLUG_LENGTH} characters)."
            ),
        ],
    ) -> Organization | None:
        return await read_organization(info.context, slug)


async def read_organization(context: Context, slug: str) -> Organization | None:
    """Query.organization (the compiled plans of schema/plans/ call it too)."""
    record = await context.loaders.organization_by_slug.load(slug)
    return None if record is None else Organization.of(record)
