"""The compiled plans (schema/plans/) answer byte for byte what graphql-core answers, for every query of
queries/ that a plan covers, with variables Hypothesis draws (pages, cursors, filters, organizations the
viewer may or may not see) and on data that breaks the rules (a stored value out of range): where
graphql-core answers an error, the plan leaves the request to it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.trusted_documents import TrustedDocuments, document_id
from aisettings.models.settings import OrganizationSettingsValues, SettingValue, StoppingPoint
from aisettings.models.tables import Role
from aisettings.resolvers.context import Context
from aisettings.resolvers.pagination import encode_cursor
from aisettings.resolvers.records import ProjectRecord, RepositoryRecord
from aisettings.resolvers.viewer import authenticate
from aisettings.schema.limits import RequestLimits
from aisettings.schema.plans import CompiledPlans
from aisettings.schema.schema import build_schema
from aisettings.schema.types import PROJECT_FIELDS, REPOSITORY_FIELDS, Project, Repository
from tests.factories import Org, make_organization, make_project, make_repository, make_token
from tests.graphql import QUERIES, document, mutation, organization_id, post
from tests.graphql import project_id as project_global_id

PLANS = CompiledPlans(
    build_schema(), TrustedDocuments.from_directory(Path(QUERIES), only=False).documents, RequestLimits()
)
# The queries a plan covers: the test below fails when one of them stops being covered.
COVERED = [
    ("OrganizationTree", "OrganizationTree"),
    ("ProjectsWithOverrides", "ProjectsWithOverrides"),
    ("SettingsPage", "SettingsPageOrganization"),
    ("SettingsPage", "SettingsPageProjects"),
    ("AuditLog", "AuditLog"),
]
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class World:
    token: str
    # (slug, id) of every project, for cursors.
    projects: list[tuple[str, int]]
    organization: int


@pytest.fixture
async def plain_client(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """graphql-core's executor alone: the reference."""
    app = create_app(
        Config(database_url=database_url, fast_execution=False, response_cache_bytes=0), engine=engine
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


@pytest.fixture
async def world(engine: AsyncEngine, uncached_client: httpx.AsyncClient) -> World:
    """An organization whose tree shows every source, a lock, an ignored override and each repository
    status, a few audit entries, another organization the viewer may not see, and the viewer's token."""
    org = await make_organization(engine, settings={"fix_enabled": True}, locked=["scan_enabled"])
    await make_organization(engine, "other")
    projects = []
    overrides_of: list[dict[str, SettingValue | None]] = [
        {"scan_enabled": False, "stopping_point": StoppingPoint.MERGE},
        {"fix_enabled": False},
        {},
        {"stopping_point": StoppingPoint.SUGGESTION},
        {"fix_enabled": True, "scan_enabled": True},
        {},
    ]
    for index, overrides in enumerate(overrides_of):
        slug = f"p{index}-{'web' if index % 2 else 'api'}"
        project_id = await make_project(engine, org, slug, name=f"Project {index}", overrides=overrides)
        projects.append((slug, project_id))
        for number in range(index % 4):
            await make_repository(
                engine, project_id, f"acme/{slug}-{number}", ai_enabled=number != 1, branch_patterns=["main"]
            )
    token = await make_token(engine, org)
    for slug, project_id in projects[:3]:
        changes = {"stoppingPoint": "MERGE", "fixEnabled": slug.endswith("web")}
        await UPDATE_PROJECT(uncached_client, token, projectId=project_global_id(project_id), changes=changes)
    await UPDATE_ORGANIZATION(uncached_client, token, organizationId=organization_id(org), scanEnabled=False)
    return World(token, sorted(projects), org.id)


UPDATE_PROJECT = mutation(document("UpdateProjectSettings"), "updateProjectSettings")
UPDATE_ORGANIZATION = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")


def cursors(world: World) -> st.SearchStrategy[str]:
    """Cursors of projects ordered by slug: of the world's projects, made up, and not cursors at all."""
    made = [encode_cursor("project:slug", [slug, key]) for slug, key in world.projects]
    return st.one_of(
        st.sampled_from(made),
        st.builds(lambda slug: encode_cursor("project:slug", [slug, 1]), st.text("ap0-9w", max_size=6)),
        st.just("not-a-cursor"),
        st.just(encode_cursor("project:name", ["p1", 1])),
    )


def page_arguments(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "slug": st.sampled_from(["acme", "other", "nobody"]),
            "first": st.one_of(st.none(), st.integers(-1, 8), st.just(1001)),
            "after": st.one_of(st.none(), cursors(world)),
        },
    )


def project_filters() -> st.SearchStrategy[dict[str, Any] | None]:
    names = st.lists(st.sampled_from(["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"]), max_size=3)
    return st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {},
            optional={
                "hasOverrides": st.one_of(st.none(), st.booleans()),
                "overrides": st.one_of(st.none(), names),
                "search": st.one_of(st.none(), st.text("aW0-_%\\", max_size=4)),
                "slugs": st.one_of(
                    st.none(), st.lists(st.sampled_from(["p0-api", "p1-web", "p9"]), max_size=3)
                ),
            },
        ),
    )


def audit_arguments() -> st.SearchStrategy[dict[str, Any]]:
    actions = st.lists(
        st.sampled_from(["ORGANIZATION_SETTINGS_UPDATED", "PROJECT_SETTINGS_UPDATED"]), max_size=2
    )
    moments = st.sampled_from(["2020-01-01T00:00:00+00:00", "2999-01-01T00:00:00Z", "not a time"])
    audit_filter = st.fixed_dictionaries(
        {},
        optional={
            "actions": st.one_of(st.none(), actions),
            "targetId": st.one_of(st.none(), st.sampled_from([project_global_id(1), "garbage"])),
            "batchId": st.one_of(st.none(), st.text("ab0", max_size=3)),
            "since": st.one_of(st.none(), moments),
            "until": st.one_of(st.none(), moments),
        },
    )
    return st.fixed_dictionaries(
        {"slug": st.sampled_from(["acme", "other", "nobody"])},
        optional={
            "first": st.one_of(st.none(), st.integers(-1, 5), st.just(501)),
            "after": st.one_of(
                st.none(), st.integers(1, 9).map(lambda key: encode_cursor("audit", [key])), st.just("x")
            ),
            "filter": st.one_of(st.none(), audit_filter),
        },
    )


def variables_of(operation: str, world: World) -> st.SearchStrategy[dict[str, Any]]:
    base = page_arguments(world)
    if operation == "AuditLog":
        return audit_arguments()
    if operation == "SettingsPageOrganization":
        return st.fixed_dictionaries({"slug": st.sampled_from(["acme", "other", "nobody"])})
    if operation == "SettingsPageProjects":
        return st.builds(lambda given, f: {**given, "filter": f}, base, project_filters())
    if operation == "ProjectsWithOverrides":
        names = st.lists(st.sampled_from(["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"]), max_size=3)
        return st.builds(lambda given, s: {**given, "settings": s}, base, st.one_of(st.none(), names))
    return base


async def plan_answer(engine: AsyncEngine, world: World, name: str, operation: str, variables: Any) -> Any:
    """The data the plan answers, or None where it leaves the request to graphql-core."""
    viewer = await authenticate(engine, world.token)
    assert viewer is not None
    context = Context(engine=engine, viewer=viewer, request_id="test")
    query = (Path(QUERIES) / f"{name}.graphql").read_text()
    return await PLANS.answer(document_id(query), operation, variables, context)


async def assert_same_answers(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    world: World,
    name: str,
    operation: str,
    variables: Any,
) -> None:
    query = (Path(QUERIES) / f"{name}.graphql").read_text()
    plain = await post(plain_client, world.token, query, variables, operation)
    served = await post(client, world.token, query, variables, operation)
    data = await plan_answer(engine, world, name, operation, variables)

    assert (served.status_code, _same_ids(served.content)) == (plain.status_code, _same_ids(plain.content))
    if "errors" in plain.json():
        assert data is None, "graphql-core answers an error here: the plan must leave it to graphql-core"
    else:
        assert data is not None, "the plan covers this request"
        assert orjson.dumps({"data": data}) == plain.content


def _same_ids(answer: bytes) -> bytes:
    """The answer with each error's id (made anew for every error) the same."""
    return re.sub(rb'"errorId":"[0-9a-f]+"', b'"errorId":"?"', answer)


@pytest.mark.parametrize(("name", "operation"), COVERED, ids=[operation for _, operation in COVERED])
@EXAMPLES
@given(data=st.data())
async def test_a_plan_answers_what_graphql_core_answers(
    engine: AsyncEngine,
    uncached_client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    world: World,
    name: str,
    operation: str,
    data: st.DataObject,
) -> None:
    variables = data.draw(variables_of(operation, world), label="variables")

    await assert_same_answers(engine, uncached_client, plain_client, world, name, operation, variables)


BROKEN = {
    "a project's stopping point": "UPDATE project SET stopping_point_override = 'SOMETIMES'",
    "an organization's stopping point": "UPDATE organization_settings SET stopping_point = 'SOMETIMES'",
    "a repository's provider": "UPDATE repository SET provider = 'SVN' WHERE name = 'acme/p3-web-1'",
}


@pytest.mark.parametrize(("name", "operation"), COVERED, ids=[operation for _, operation in COVERED])
@pytest.mark.parametrize("statement", BROKEN.values(), ids=BROKEN.keys())
async def test_on_broken_data_a_plan_leaves_the_error_to_graphql_core(
    engine: AsyncEngine,
    uncached_client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    world: World,
    name: str,
    operation: str,
    statement: str,
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(statement))

    await assert_same_answers(
        engine, uncached_client, plain_client, world, name, operation, {"slug": "acme", "first": 10}
    )


@pytest.mark.parametrize(("name", "operation"), COVERED, ids=[operation for _, operation in COVERED])
@pytest.mark.parametrize(
    ("role", "scopes"),
    [(Role.MEMBER, None), (Role.OWNER, ["org:read"]), (Role.OWNER, ["project:read"])],
    ids=["a member", "without project:read", "without org:read"],
)
async def test_a_viewer_of_fewer_rights_gets_what_graphql_core_answers(
    engine: AsyncEngine,
    uncached_client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    world: World,
    name: str,
    operation: str,
    role: Role,
    scopes: list[str] | None,
) -> None:
    token = await make_token(engine, Org(world.organization, "acme"), "bob", role, scopes)
    viewer_world = World(token, world.projects, world.organization)

    await assert_same_answers(
        engine, uncached_client, plain_client, viewer_world, name, operation, {"slug": "acme", "first": 10}
    )


def test_every_query_listed_is_covered_by_a_plan() -> None:
    queries = {path.stem: path.read_text() for path in Path(QUERIES).glob("*.graphql")}

    uncovered = [(name, op) for name, op in COVERED if (document_id(queries[name]), op) not in PLANS]

    assert not uncovered


def test_the_plans_make_each_field_of_a_project_and_a_repository_as_the_types_do() -> None:
    organization = OrganizationSettingsValues(
        values={"fix_enabled": True}, locked=frozenset({"scan_enabled"})
    )
    overrides: dict[str, SettingValue | None] = {"scan_enabled": False, "fix_enabled": None}
    moment = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    project = ProjectRecord(7, 1, "web", "Web", overrides, 3, moment, organization)
    repositories = [
        RepositoryRecord(9, 7, provider, "acme/web", enabled, ["main"], moment if enabled else None, 4)
        for provider in ("GITHUB", "GITLAB", "BITBUCKET")
        for enabled in (True, False)
    ]

    shown = Project.of(project)

    assert {name: made(project) for name, made in PROJECT_FIELDS.items()} == {
        name: getattr(shown, name) for name in PROJECT_FIELDS
    }
    for record in repositories:
        made_by_type = Repository.of(record, shown)
        assert {name: made(record, project) for name, made in REPOSITORY_FIELDS.items()} == {
            name: getattr(made_by_type, name) for name in REPOSITORY_FIELDS
        }
