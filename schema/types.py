"""The objects of the graph: organizations, their projects and repositories, and the audit log."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from aisettings.models.access import PERMISSION_SCOPES, Permission
from aisettings.models.flags import Flag
from aisettings.models.flags import features as flags_on_for
from aisettings.models.limits import (
    DEFAULT_PAGE_SIZE,
    MAX_AUDIT_PAGE,
    MAX_BATCH_ID_LENGTH,
    MAX_FILTER_SLUGS,
    MAX_PROJECTS_PAGE,
    MAX_REPOSITORIES_PAGE,
    MAX_REPOSITORY_NAME_LENGTH,
    MAX_REPOSITORY_REFERENCES,
    MAX_SEARCH_LENGTH,
    MAX_SLUG_LENGTH,
)
from aisettings.models.repositories import (
    RepositoryProvider,
    RepositoryStatus,
    provider_of,
    repository_status,
    repository_url,
)
from aisettings.models.settings import SETTINGS, SettingSource
from aisettings.resolvers import audit_log, projects, repository_lookup
from aisettings.resolvers.context import Context
from aisettings.resolvers.errors import ClientError, Forbidden, LimitExceeded
from aisettings.resolvers.flags import fetch_flags
from aisettings.resolvers.global_ids import decode_global_id, encode_global_id
from aisettings.resolvers.loaders import RepositoryPageKey
from aisettings.resolvers.pagination import Page, page_size
from aisettings.resolvers.records import AuditEntryRecord, OrganizationRecord, ProjectRecord, RepositoryRecord
from aisettings.resolvers.summary import summarize_settings

from .connections import Connection, connection
from .enums import AuditAction, OrderDirection, ProjectOrderField, SettingName
from .lookahead import arguments_at

# The settings types are generated from the registry, so mypy cannot use them as annotations:
# resolvers returning them carry `type: ignore[valid-type]`.
from .settings import (
    EffectiveSettings,
    OrganizationSettings,
    SettingsOverrides,
    effective_settings,
    settings_overrides,
)
from .summary import SettingsSummary, settings_summary

Info = strawberry.Info[Context, None]
Shown = TypeVar("Shown")


FIRST = strawberry.argument(description=f"How many items to return (default {DEFAULT_PAGE_SIZE}).")
AFTER = strawberry.argument(description="Return the items after this cursor (`pageInfo.endCursor`).")


@strawberry.interface(description="An object with a global id, which `node(id:)` resolves.")
class Node:
    id: strawberry.ID = strawberry.field(description="The opaque global id of this object.")


@strawberry.input(description="Which projects to list; every condition given must hold.")
class ProjectFilter:
    has_overrides: bool | None = strawberry.field(
        default=None, description="Only projects that override at least one setting (true) or none (false)."
    )
    overrides: list[SettingName] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only projects overriding any of these settings."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Only projects whose slug or name contains this text, ignoring case "
        f"(at most {MAX_SEARCH_LENGTH} characters).",
    )
    slugs: list[str] | None = strawberry.field(
        default=None,
        description=f"Only projects with one of these slugs (at most {MAX_FILTER_SLUGS}, each of at "
        f"most {MAX_SLUG_LENGTH} characters; an empty list matches nothing).",
    )

    def to_spec(self) -> projects.ProjectFilter:
        return projects.ProjectFilter(
            has_overrides=self.has_overrides,
            overrides=None if self.overrides is None else tuple(name.value for name in self.overrides),  # type: ignore[attr-defined]
            search=self.search,
            slugs=None if self.slugs is None else tuple(self.slugs),
        )


@strawberry.input(description="A repository by where it is hosted and its name (compared ignoring case).")
class RepositoryReference:
    provider: RepositoryProvider = strawberry.field(description="Where the repository is hosted.")
    name: str = strawberry.field(
        description=f'"owner/name" (at most {MAX_REPOSITORY_NAME_LENGTH} characters).'
    )

    def to_spec(self) -> repository_lookup.RepositoryReference:
        return repository_lookup.RepositoryReference(self.provider.value, self.name)


@strawberry.input(description="An order of projects. Strings compare by code point; ties are broken by id.")
class ProjectOrder:
    field: ProjectOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")

    def to_spec(self) -> projects.ProjectOrder:
        return projects.ProjectOrder(field=self.field, descending=self.direction is OrderDirection.DESC)


@strawberry.input(description="Which audit entries to list; every condition given must hold.")
class AuditLogFilter:
    actions: list[AuditAction] | None = strawberry.field(default=None, description="Only these actions.")
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only entries about this object (its global id)."
    )
    batch_id: str | None = strawberry.field(
        default=None,
        description="Only entries written by this mutation (its batchId, "
        f"at most {MAX_BATCH_ID_LENGTH} characters).",
    )
    since: dt.datetime | None = strawberry.field(
        default=None, description="Only entries at or after this time."
    )
    until: dt.datetime | None = strawberry.field(default=None, description="Only entries before this time.")

    def to_spec(self) -> audit_log.AuditLogFilter:
        return audit_log.AuditLogFilter(
            actions=None if self.actions is None else tuple(action.value for action in self.actions),
            target=None if self.target_id is None else decode_global_id(self.target_id),
            batch_id=self.batch_id,
            since=self.since,
            until=self.until,
        )


@strawberry.type(description="An organization: its settings, which its projects inherit, and its projects.")
class Organization(Node):
    database_id: str = strawberry.field(
        description="The same id as a number in text, as the REST API (/api/0/) names the organization."
    )
    slug: str = strawberry.field(description="The organization's unique short name.")
    name: str = strawberry.field(description="The organization's display name.")
    record: strawberry.Private[OrganizationRecord]

    @strawberry.field(description="The organization's settings: what its projects inherit, and its locks.")
    def settings(self) -> OrganizationSettings:  # type: ignore[valid-type]
        settings = self.record.settings
        return OrganizationSettings(
            **{name: effective.value for name, effective in settings.effective.items()},
            locked_settings=[SettingName(s.name) for s in SETTINGS if s.name in settings.locked],
            version=self.record.settings_version,
            updated_at=self.record.settings_updated_at,
        )

    @strawberry.field(description="A project by its slug; null when there is none.")
    async def project(
        self, info: Info, slug: Annotated[str, strawberry.argument(description="The project's slug.")]
    ) -> Project | None:
        _require(info.context, Permission.READ_PROJECTS, self.record.id)
        return await info.context.reads.read(
            projects.fetch_project_by_slug, self.record, slug, shown_as=_project_or_none
        )

    @strawberry.field(
        description="A repository of the organization by provider and name (ignoring case), with the "
        "settings AI runs with there; null when the organization has none such."
    )
    async def repository(
        self,
        info: Info,
        provider: Annotated[RepositoryProvider, strawberry.argument(description="Where it is hosted.")],
        name: Annotated[str, strawberry.argument(description='"owner/name", ignoring case.')],
    ) -> Repository | None:
        (found,) = await self._repositories(info, (RepositoryReference(provider=provider, name=name),))
        return found

    @strawberry.field(
        description="Repositories of the organization by provider and name (ignoring case), in the order "
        f"asked; null for each the organization does not have. At most {MAX_REPOSITORY_REFERENCES}."
    )
    async def repositories_by_name(
        self,
        info: Info,
        references: Annotated[
            list[RepositoryReference], strawberry.argument(description="The repositories asked for.")
        ],
    ) -> list[Repository | None]:
        if len(references) > MAX_REPOSITORY_REFERENCES:
            raise LimitExceeded(
                f"`references` has {len(references)} repositories, over the maximum of "
                f"{MAX_REPOSITORY_REFERENCES}."
            )
        return await self._repositories(info, tuple(references))

    async def _repositories(
        self, info: Info, references: tuple[RepositoryReference, ...]
    ) -> list[Repository | None]:
        _require(info.context, Permission.READ_PROJECTS, self.record.id)
        return await info.context.reads.read(
            repository_lookup.fetch_repositories_by_name,
            self.record,
            tuple(reference.to_spec() for reference in references),
            shown_as=_repositories_or_none,
        )

    @strawberry.field(
        description=f"The organization's projects, a page at a time (at most {MAX_PROJECTS_PAGE} per page)."
    )
    async def projects(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which projects.")] = None,
        order_by: Annotated[
            ProjectOrder | None, strawberry.argument(description="In which order (default: slug, ascending).")
        ] = None,
    ) -> Connection[Project]:
        shown = await read_project_page(
            info.context, self.record, first, after, filter, order_by, shown_as=_project_connection
        )
        await load_repository_pages(info.context, shown.page.items, _repository_pages_asked(info))
        return shown

    @strawberry.field(description="How the organization's projects run, counted over all of them.")
    async def settings_summary(self, info: Info) -> SettingsSummary:  # type: ignore[valid-type]
        return await read_settings_summary(info.context, self.record)

    @strawberry.field(
        description="Every change to the organization's settings, newest first "
        f"(at most {MAX_AUDIT_PAGE} per page)."
    )
    async def audit_log(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        filter: Annotated[AuditLogFilter | None, strawberry.argument(description="Which entries.")] = None,
    ) -> Connection[AuditEntry]:
        return await read_audit_page(info.context, self.record, first, after, filter)

    @strawberry.field(description="The keys of the feature flags on for the organization, sorted.")
    async def features(self, info: Info) -> list[str]:
        _require(info.context, Permission.READ_ORGANIZATION, self.record.id)
        flags = await info.context.reads.read(fetch_flags, shown_as=_flags)
        return flags_on_for(flags, self.record.id)

    @strawberry.field(description="Whether the viewer may change the organization's settings (org:admin).")
    def viewer_can_administer(self, info: Info) -> bool:
        return organization_administrable(info.context, self.record)

    @classmethod
    def of(cls, record: OrganizationRecord) -> Organization:
        return cls(
            id=strawberry.ID(encode_global_id("Organization", record.id)),
            database_id=str(record.id),
            slug=record.slug,
            name=record.name,
            record=record,
        )


# What some fields of an organization and a project resolve to, as functions of the request's context
# and the record: the resolvers call them, and so do the compiled plans (schema/plans/).


def organization_administrable(context: Context, record: OrganizationRecord) -> bool:
    return context.viewer.may(Permission.ADMINISTER_ORGANIZATION, record.id)


def project_administrable(context: Context, record: ProjectRecord) -> bool:
    return context.viewer.may(Permission.ADMINISTER_PROJECTS, record.organization_id)


async def read_project_page(
    context: Context,
    organization: OrganizationRecord,
    first: int | None,
    after: str | None,
    filter: ProjectFilter | None,
    order_by: ProjectOrder | None,
    *,
    shown_as: Callable[[Page[ProjectRecord]], Shown],
) -> Shown:
    _require(context, Permission.READ_PROJECTS, organization.id)
    return await context.reads.read(
        projects.fetch_project_page,
        organization,
        page_size(first, MAX_PROJECTS_PAGE),
        after,
        filter.to_spec() if filter else projects.ProjectFilter(),
        order_by.to_spec() if order_by else projects.ProjectOrder(),
        shown_as=shown_as,
    )


async def read_settings_summary(context: Context, organization: OrganizationRecord) -> Any:
    _require(context, Permission.READ_PROJECTS, organization.id)
    return await context.reads.read(summarize_settings, organization, shown_as=settings_summary)


async def read_audit_page(
    context: Context,
    organization: OrganizationRecord,
    first: int | None,
    after: str | None,
    filter: AuditLogFilter | None,
) -> Connection[AuditEntry]:
    _require(context, Permission.READ_AUDIT_LOG, organization.id)
    return await context.reads.read(
        audit_log.fetch_audit_page,
        organization,
        page_size(first, MAX_AUDIT_PAGE),
        after,
        filter.to_spec() if filter else audit_log.AuditLogFilter(),
        shown_as=_audit_entry_connection,
    )


def repository_page_key(record: ProjectRecord, first: int | None, after: str | None) -> RepositoryPageKey:
    return RepositoryPageKey(record.id, page_size(first, MAX_REPOSITORIES_PAGE), after)


@strawberry.type(description="A project: its own overrides, and the settings it runs with.")
class Project(Node):
    # Plain fields, filled when the object is made: cheaper to resolve than one method per field.
    database_id: str = strawberry.field(
        description="The same id as a number in text, as the REST API (/api/0/) names the project."
    )
    slug: str = strawberry.field(description="The project's short name, unique within its organization.")
    name: str = strawberry.field(description="The project's display name.")
    version: int = strawberry.field(
        description="The version of the project's overrides: +1 per write that changes them."
    )
    updated_at: dt.datetime | None = strawberry.field(
        description="When the project's overrides last changed."
    )
    has_overrides: bool = strawberry.field(description="Whether the project overrides at least one setting.")
    record: strawberry.Private[ProjectRecord]

    @strawberry.field(description="The organization the project belongs to.")
    async def organization(self, info: Info) -> Organization:
        record = await info.context.loaders.organization_by_id.load(self.record.organization_id)
        assert record is not None, "a visible project's organization is visible"
        return Organization.of(record)

    @strawberry.field(description="The project's own values, as stored; null: inherits.")
    def overrides(self) -> SettingsOverrides:  # type: ignore[valid-type]
        return settings_overrides(self.record.overrides)

    @strawberry.field(description="The settings the project runs with, each with where it comes from.")
    def effective_settings(self) -> EffectiveSettings:  # type: ignore[valid-type]
        return effective_settings(self.record.effective, SettingSource.PROJECT)

    @strawberry.field(
        description="The project's repositories, a page at a time "
        f"(at most {MAX_REPOSITORIES_PAGE} per page).",
        graphql_type=Connection[Annotated["Repository", strawberry.lazy("aisettings.schema.types")]],
    )
    def repositories(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Repository] | Awaitable[Connection[Repository]]:
        # Not async: a page of projects has loaded its projects' repositories already (see
        # `load_repository_pages`), and the connection is made at once, without an await per project.
        key = repository_page_key(self.record, first, after)
        page = info.context.loaders.repository_page.loaded(key)
        if page is None:
            return self._load_repositories(info, key)
        return self._repository_connection(page)

    async def _load_repositories(self, info: Info, key: RepositoryPageKey) -> Connection[Repository]:
        return self._repository_connection(await info.context.loaders.repository_page.load(key))

    def _repository_connection(self, page: Page[RepositoryRecord]) -> Connection[Repository]:
        return connection(page, lambda record: Repository.of(record, self))

    @strawberry.field(description="Whether the viewer may change the project's settings (project:admin).")
    def viewer_can_administer(self, info: Info) -> bool:
        return project_administrable(info.context, self.record)

    @classmethod
    def of(cls, record: ProjectRecord) -> Project:
        return cls(
            id=strawberry.ID(encode_global_id("Project", record.id)),
            database_id=str(record.id),
            slug=record.slug,
            name=record.name,
            version=record.version,
            updated_at=record.updated_at,
            has_overrides=record.has_overrides,
            record=record,
        )


# How each plain field of a Project is made from its record, by Python name, field by field: what
# `Project.of` makes all at once (written out there, as a loop over these cost the general path 15% more
# per object), and a compiled plan (schema/plans/) only for the fields its document asks.
# tests/schema/test_compiled_plans.py checks that both make the same.
PROJECT_FIELDS: Mapping[str, Callable[[ProjectRecord], Any]] = {
    "id": lambda record: strawberry.ID(encode_global_id("Project", record.id)),
    "database_id": lambda record: str(record.id),
    "slug": operator.attrgetter("slug"),
    "name": operator.attrgetter("name"),
    "version": operator.attrgetter("version"),
    "updated_at": operator.attrgetter("updated_at"),
    "has_overrides": operator.attrgetter("has_overrides"),
}


# Where a page of projects finds the `repositories` fields of its projects.
_REPOSITORIES_OF_PROJECTS = (("nodes", "repositories"), ("edges", "node", "repositories"))


# What an organization's shared reads (resolvers/shared_reads.py) are shown as, made once per read.
def _project_or_none(record: ProjectRecord | None) -> Project | None:
    return None if record is None else Project.of(record)


def _repositories_or_none(
    found: list[tuple[RepositoryRecord, ProjectRecord] | None],
) -> list[Repository | None]:
    return [None if pair is None else Repository.of(pair[0], Project.of(pair[1])) for pair in found]


def _flags(found: dict[str, Flag]) -> dict[str, Flag]:
    return found


def _project_connection(page: Page[ProjectRecord]) -> Connection[Project]:
    return connection(page, Project.of)


def _audit_entry_connection(page: Page[AuditEntryRecord]) -> Connection[AuditEntry]:
    return connection(page, AuditEntry.of)


def _repository_pages_asked(info: Info) -> list[dict[str, Any]]:
    """The arguments of each `repositories` field that the query asks of a page's projects."""
    return [
        arguments for path in _REPOSITORIES_OF_PROJECTS for arguments in arguments_at(info, path, "Project")
    ]


async def load_repository_pages(
    context: Context, records: list[ProjectRecord], asked: Iterable[Mapping[str, Any]]
) -> None:
    """The repository pages asked (the arguments of each `repositories` field) of a page's projects,
    read in one batch with the page. A page size over the limit is left to each project's field to
    report."""
    keys = []
    for arguments in asked:
        try:
            first = page_size(arguments.get("first"), MAX_REPOSITORIES_PAGE)
        except ClientError:
            continue
        keys += [RepositoryPageKey(record.id, first, arguments.get("after")) for record in records]
    await context.loaders.read_repository_pages(keys)


@strawberry.type(description="A repository of a project, which can be switched off for AI.")
class Repository(Node):
    database_id: str = strawberry.field(
        description="The same id as a number in text, as the REST API (/api/0/) names the repository."
    )
    provider: RepositoryProvider = strawberry.field(description="Where the repository is hosted.")
    name: str = strawberry.field(
        description='The repository\'s name as its provider spells it: "owner/name".'
    )
    url: str = strawberry.field(description="The repository's web address.")
    project: Project = strawberry.field(description="The project the repository belongs to.")
    ai_enabled: bool = strawberry.field(description="Whether AI may work in this repository at all.")
    branch_patterns: list[str] = strawberry.field(
        description="The branches AI works on, as globs; empty: the default branch only."
    )
    status: RepositoryStatus = strawberry.field(description="Whether AI runs here, and if not, why.")
    last_configured_at: dt.datetime | None = strawberry.field(
        description="When the repository's AI configuration last changed."
    )
    version: int = strawberry.field(
        description="The version of the repository's configuration: +1 per write that changes it."
    )

    @strawberry.field(description="The settings AI runs with here: the project's, unless switched off here.")
    def effective_settings(self) -> EffectiveSettings:  # type: ignore[valid-type]
        resolved = self.project.record.repository_settings(self.ai_enabled)
        return effective_settings(resolved, SettingSource.REPOSITORY)

    @classmethod
    def of(cls, record: RepositoryRecord, project: Project) -> Repository:
        provider = provider_of(record.provider)
        return cls(
            id=strawberry.ID(encode_global_id("Repository", record.id)),
            database_id=str(record.id),
            provider=provider,
            name=record.name,
            url=repository_url(provider, record.name),
            project=project,
            ai_enabled=record.ai_enabled,
            branch_patterns=record.branch_patterns,
            status=repository_status(record.ai_enabled, project.record.effective),
            last_configured_at=record.last_configured_at,
            version=record.version,
        )


# How each plain field of a Repository is made from its record and its project's, by Python name, field
# by field, as PROJECT_FIELDS for a Project (a loop over these made `Repository.of` 60% slower).
REPOSITORY_FIELDS: Mapping[str, Callable[[RepositoryRecord, ProjectRecord], Any]] = {
    "id": lambda record, _: strawberry.ID(encode_global_id("Repository", record.id)),
    "database_id": lambda record, _: str(record.id),
    "provider": lambda record, _: provider_of(record.provider),
    "name": lambda record, _: record.name,
    "url": lambda record, _: repository_url(provider_of(record.provider), record.name),
    "ai_enabled": lambda record, _: record.ai_enabled,
    "branch_patterns": lambda record, _: record.branch_patterns,
    "status": lambda record, project: repository_status(record.ai_enabled, project.effective),
    "last_configured_at": lambda record, _: record.last_configured_at,
    "version": lambda record, _: record.version,
}


@strawberry.type(description="One field changed by an audited write.")
class AuditChange:
    field: str = strawberry.field(description="The field, as named in the API (e.g. fixEnabled).")
    before: JSON | None = strawberry.field(description="Its value before the write.")
    after: JSON | None = strawberry.field(description="Its value after the write.")


@strawberry.type(
    description="A record of one write to one object, kept in the same transaction as the write."
)
class AuditEntry(Node):
    record: strawberry.Private[AuditEntryRecord]

    @strawberry.field(description="What was done.")
    def action(self) -> AuditAction:
        return AuditAction(self.record.action)

    @strawberry.field(description='Who did it: a user\'s login, "token:<name>", or "import".')
    def actor(self) -> str:
        return self.record.actor

    @strawberry.field(description="The kind of object changed: ORGANIZATION, PROJECT or REPOSITORY.")
    def target_type(self) -> str:
        return self.record.target_type

    @strawberry.field(description="The global id of the object changed, which may since have been deleted.")
    def target_id(self) -> strawberry.ID:
        return strawberry.ID(encode_global_id(self.record.target_type.capitalize(), self.record.target_id))

    @strawberry.field(description="Each field changed, with its value before and after.")
    def changes(self) -> list[AuditChange]:
        return [
            AuditChange(field=c["field"], before=c.get("before"), after=c.get("after"))
            for c in self.record.changes
        ]

    @strawberry.field(description="The same for every entry that one mutation wrote.")
    def batch_id(self) -> str:
        return self.record.batch_id

    @strawberry.field(description="When the write was committed.")
    def created_at(self) -> dt.datetime:
        return self.record.created_at

    @classmethod
    def of(cls, record: AuditEntryRecord) -> AuditEntry:
        return cls(id=strawberry.ID(encode_global_id("AuditEntry", record.id)), record=record)


def _require(context: Context, permission: Permission, organization_id: int) -> None:
    if not context.viewer.may(permission, organization_id):
        raise Forbidden(f"This token lacks the {PERMISSION_SCOPES[permission].value} scope.")
