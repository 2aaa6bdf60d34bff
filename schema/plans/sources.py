"""What each field of a plan reads from its parent's source, and what it hands its own fields.

A plan's sources are, per type: the Strawberry object where the resolvers make one per request (the
organization, its settings and summary, a page's info), whose fields are read as Strawberry reads them
(schema/execution.py's `source_resolver`); and for the types of which a page holds thousands, the records
themselves, read by the functions the Strawberry types are made with (PROJECT_FIELDS, ...): a
ProjectRecord for a Project, a (RepositoryRecord, ProjectRecord) pair for a Repository, a Page for a
connection, a mapping of EffectiveValue (whose attributes are the EffectiveBoolean's fields) for an
EffectiveSettings. Only the fields listed here are covered on those types."""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLField

from aisettings.models.settings import SETTINGS, EffectiveValue, SettingSource
from aisettings.resolvers.context import Context
from aisettings.resolvers.pagination import Page
from aisettings.resolvers.records import ProjectRecord, RepositoryRecord

from ..connections import page_info
from ..execution import source_resolver
from ..query import read_organization
from ..settings import overridden_settings
from ..strawberry_internals import DEFINITION_BACKREF, StrawberryField
from ..types import (
    PROJECT_FIELDS,
    REPOSITORY_FIELDS,
    Organization,
    load_repository_pages,
    organization_administrable,
    project_administrable,
    read_audit_page,
    read_project_page,
    read_settings_summary,
    repository_page_key,
)
from .selections import NotCovered

# Reads a field from a source (from the items of a source that `unpacks`).
Read = Callable[..., Any]


@dataclass(frozen=True)
class Site:
    """Where a field is read, for one request: the request's context, the field's arguments as its
    resolver gets them (by Python name), and the arguments of the fields below it at a path of names."""

    context: Context
    arguments: Mapping[str, Any]
    arguments_below: Callable[[Sequence[str]], list[dict[str, Any]]]


@dataclass(frozen=True)
class FieldReader:
    """Makes, for one request, the function reading the field from a source (a coroutine function when
    `is_async`: the field reads the database)."""

    make: Callable[[Site], Read]
    is_async: bool = False
    # Whether the source is a tuple of the read function's arguments (a Repository's pair of records).
    unpacks: bool = False


@dataclass(frozen=True, slots=True)
class EffectiveAt:
    """The source of an EffectiveSettings: the settings in force at a level."""

    settings: Mapping[str, EffectiveValue]
    level: SettingSource


@dataclass(frozen=True, slots=True)
class RepositoriesOf:
    """The source of a RepositoryConnection: a page of a project's repositories."""

    page: Page[RepositoryRecord]
    project: ProjectRecord


def _plain(read: Read) -> FieldReader:
    return FieldReader(lambda _: read)


def _organization(site: Site) -> Read:
    context, slug = site.context, site.arguments["slug"]
    return lambda _: read_organization(context, slug)


def _organization_administrable(site: Site) -> Read:
    context = site.context
    return lambda organization: organization_administrable(context, organization.record)


def _page(page: Page[ProjectRecord]) -> Page[ProjectRecord]:
    return page


def _projects(site: Site) -> Read:
    context, arguments = site.context, site.arguments
    # As Organization.projects: the repository pages its projects' fields ask, loaded with the page.
    asked = site.arguments_below(("nodes", "repositories"))

    async def read(organization: Organization) -> Page[ProjectRecord]:
        page = await read_project_page(
            context,
            organization.record,
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("filter"),
            arguments.get("order_by"),
            shown_as=_page,
        )
        await load_repository_pages(context, page.items, asked)
        return page

    return read


def _audit_log(site: Site) -> Read:
    context, arguments = site.context, site.arguments

    def read(organization: Organization) -> Awaitable[Any]:
        first, after, filter = arguments.get("first"), arguments.get("after"), arguments.get("filter")
        return read_audit_page(context, organization.record, first, after, filter)

    return read


def _settings_summary(site: Site) -> Read:
    context = site.context
    return lambda organization: read_settings_summary(context, organization.record)


def _project_administrable(site: Site) -> Read:
    context = site.context
    return lambda record: project_administrable(context, record)


def _repositories(site: Site) -> Read:
    loaders, first, after = site.context.loaders, site.arguments.get("first"), site.arguments.get("after")

    def read(record: ProjectRecord) -> RepositoriesOf:
        page = loaders.repository_page.loaded(repository_page_key(record, first, after))
        if page is None:  # not loaded with a page of projects: graphql-core awaits it
            raise NotCovered("a repository page not loaded yet")
        return RepositoriesOf(page, record)

    return read


def _repository_field(made: Callable[[RepositoryRecord, ProjectRecord], Any]) -> FieldReader:
    return FieldReader(lambda _: made, unpacks=True)


def _repository_effective(pair: tuple[RepositoryRecord, ProjectRecord]) -> EffectiveAt:
    record, project = pair
    return EffectiveAt(project.repository_settings(record.ai_enabled), SettingSource.REPOSITORY)


def _setting_reader(name: str) -> FieldReader:
    return _plain(lambda effective: effective.settings[name])


def _override_reader(name: str) -> FieldReader:
    return _plain(lambda overrides: overrides.get(name))


_PROJECT_PAGE = operator.attrgetter("items")

# By GraphQL type name and field name: how the field is read, where it is not read as Strawberry reads it.
FIELD_READERS: Mapping[tuple[str, str], FieldReader] = {
    ("Query", "organization"): FieldReader(_organization, is_async=True),
    ("Organization", "viewerCanAdminister"): FieldReader(_organization_administrable),
    ("Organization", "projects"): FieldReader(_projects, is_async=True),
    ("Organization", "settingsSummary"): FieldReader(_settings_summary, is_async=True),
    # The page's connection is the resolver's (a Strawberry object, read as Strawberry reads it): an
    # audit page holds hundreds of entries, not a tree's thousands of objects.
    ("Organization", "auditLog"): FieldReader(_audit_log, is_async=True),
    ("ProjectConnection", "totalCount"): _plain(operator.attrgetter("total_count")),
    ("ProjectConnection", "pageInfo"): _plain(page_info),
    ("ProjectConnection", "nodes"): _plain(_PROJECT_PAGE),
    ("Project", "viewerCanAdminister"): FieldReader(_project_administrable),
    ("Project", "overrides"): _plain(operator.attrgetter("overrides")),
    ("Project", "effectiveSettings"): _plain(
        lambda record: EffectiveAt(record.effective, SettingSource.PROJECT)
    ),
    ("Project", "repositories"): FieldReader(_repositories),
    ("RepositoryConnection", "totalCount"): _plain(lambda source: source.page.total_count),
    ("RepositoryConnection", "pageInfo"): _plain(lambda source: page_info(source.page)),
    ("RepositoryConnection", "nodes"): _plain(
        lambda source: [(record, source.project) for record in source.page.items]
    ),
    ("Repository", "project"): _plain(operator.itemgetter(1)),
    ("Repository", "effectiveSettings"): _plain(_repository_effective),
    ("EffectiveSettings", "overriddenSettings"): _plain(
        lambda effective: overridden_settings(effective.settings, effective.level)
    ),
    **{("EffectiveSettings", setting.field_name): _setting_reader(setting.name) for setting in SETTINGS},
    **{("SettingsOverrides", setting.field_name): _override_reader(setting.name) for setting in SETTINGS},
}

# Types whose source is not their Strawberry object, and the functions their plain fields are made by.
RECORD_FIELDS: Mapping[str, Mapping[str, FieldReader]] = {
    "Project": {name: _plain(made) for name, made in PROJECT_FIELDS.items()},
    "Repository": {name: _repository_field(made) for name, made in REPOSITORY_FIELDS.items()},
    "ProjectConnection": {},
    "RepositoryConnection": {},
    "EffectiveSettings": {},
    "SettingsOverrides": {},
}


# Types whose object is a function of a key of its source: built once per request and key, and the
# same dict shown wherever it recurs. A tree's 4000 EffectiveSettings show a handful of distinct values,
# as the settings they show are resolved once per combination (models/settings.py): the key is that
# mapping's identity, kept its own while the request lasts by the source the plan keeps with it.
SHARED_OBJECTS: Mapping[str, Callable[[Any], Hashable]] = {
    "EffectiveSettings": lambda effective: (id(effective.settings), effective.level),
}


def field_reader(type_name: str, field_name: str, field: GraphQLField) -> FieldReader | None:
    """How the field is read from a source of its type; None where no plan covers it."""
    special = FIELD_READERS.get((type_name, field_name))
    if special is not None:
        return special
    definition = field.extensions.get(DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None
    if type_name in RECORD_FIELDS:
        return RECORD_FIELDS[type_name].get(definition.python_name)
    if field.args or field.resolve is None:
        return None
    read = source_resolver(definition, field.resolve)
    return None if read is None else _plain(read)
