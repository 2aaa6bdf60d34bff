"""The fast executor (schema/execution.py) answers exactly what graphql-core's own executor answers:
data and errors, for every document of queries/ and for the unusual values it hands back."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from graphql import OperationDefinitionNode, OperationType, parse
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.models.settings import StoppingPoint
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.schema.execution import FastFieldsExecutor
from tests.factories import make_organization, make_project, make_repository, make_token
from tests.graphql import QUERIES, post

DOCUMENTS = sorted(path.stem for path in Path(QUERIES).glob("*.graphql"))


def operations(name: str) -> list[tuple[str, OperationType]]:
    document = parse((Path(QUERIES) / f"{name}.graphql").read_text())
    return [
        (definition.name.value if definition.name else "", definition.operation)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


CASES = [(name, operation, kind) for name in DOCUMENTS for operation, kind in operations(name)]


@pytest.fixture
async def plain_client(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(database_url=database_url, fast_execution=False), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


async def given_data(engine: AsyncEngine) -> dict[str, Any]:
    """An organization whose tree shows every source, a lock, an ignored override and each status."""
    org = await make_organization(engine, settings={"fix_enabled": True}, locked=["scan_enabled"])
    web = await make_project(
        engine, org, "web", overrides={"scan_enabled": False, "stopping_point": StoppingPoint.MERGE}
    )
    api = await make_project(engine, org, "api", overrides={"fix_enabled": False})
    await make_project(engine, org, "docs")
    repository = await make_repository(engine, web, "acme/web", branch_patterns=["main", "release/*"])
    await make_repository(engine, web, "acme/web-legacy", ai_enabled=False)
    await make_repository(engine, api, "acme/api")
    token = await make_token(engine, org)
    return {
        "token": token,
        "organization_id": encode_global_id("Organization", org.id),
        "project_ids": [encode_global_id("Project", web), encode_global_id("Project", api)],
        "repository_id": encode_global_id("Repository", repository),
    }


def variables_for(name: str, operation: str, given: dict[str, Any]) -> dict[str, Any]:
    """Variables that make each operation do its work; mutations repeat a change already made, so that
    both executors see the same state (and, for repositories, a DUPLICATE or a no-op)."""
    first, second = given["project_ids"]
    inputs: dict[str, dict[str, Any]] = {
        "UpdateOrganizationSettings": {"organizationId": given["organization_id"], "fixEnabled": True},
        "UpdateProjectSettings": {"projectId": first, "changes": {"fixEnabled": None}},
        "BulkUpdateProjectSettings": {
            "organizationId": given["organization_id"],
            "projectIds": [first, second],
            "changes": {"stoppingPoint": "SUGGESTION"},
            "dryRun": True,
        },
        "ResetProjectSettings": {
            "projectIds": [first, second],
            "settings": ["STOPPING_POINT"],
            "dryRun": True,
        },
        "ResetProjectSettingsWithDiffs": {"projectIds": [first, second], "dryRun": True},
        "SetStoppingPoint": {
            "organizationId": given["organization_id"],
            "projectIds": [second],
            "projectStoppingPoint": None,
        },
        "SaveSettings": {
            "organizationId": given["organization_id"],
            "organization": {"fixEnabled": True},
            "projects": [{"projectId": second, "changes": {"fixEnabled": False}}],
        },
        "AddRepository": {"projectId": first, "provider": "GITHUB", "name": "acme/web"},
        "UpdateRepository": {"repositoryId": given["repository_id"], "aiEnabled": True},
        "RemoveRepository": {"repositoryId": encode_global_id("Repository", 999_999)},
        "BulkUpdateRepositories": {
            "repositoryIds": [given["repository_id"]],
            "branchPatterns": ["main", "release/*"],
        },
        "RecordSettingsSaved": {"settingsType": "ORGANIZATION", "timeToCompleteMilliseconds": 1200},
    }
    lookups: dict[str, dict[str, Any]] = {
        "RepositorySettings": {"provider": "GITHUB", "name": "ACME/Web"},
        "RepositoriesByName": {
            "references": [
                {"provider": "GITHUB", "name": "acme/api"},
                {"provider": "GITLAB", "name": "acme/api"},
                {"provider": "GITHUB", "name": "acme/web"},
            ]
        },
    }
    if name in lookups:
        return {"slug": "acme", **lookups[name]}
    if operation in inputs:
        return {"input": inputs[operation]}
    if name in inputs:
        return {"input": inputs[name]}
    return {"slug": "acme", "id": first, "first": 2, "projectSlug": "web", "ids": [first, second]}


@pytest.mark.parametrize(("name", "operation", "kind"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
async def test_every_document_gets_the_same_answer_from_both_executors(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    name: str,
    operation: str,
    kind: OperationType,
) -> None:
    given = await given_data(engine)
    query = (Path(QUERIES) / f"{name}.graphql").read_text()
    variables = variables_for(name, operation, given)
    if kind is OperationType.MUTATION:  # settle the state, so that both runs below see the same one
        await post(client, given["token"], query, variables, operation)

    fast = await post(client, given["token"], query, variables, operation)
    plain = await post(plain_client, given["token"], query, variables, operation)

    assert (fast.status_code, fast.json()) == (plain.status_code, plain.json())
    assert "errors" not in fast.json()


@pytest.mark.parametrize(
    "variables",
    [{"slug": "acme", "after": "not-a-cursor"}, {"slug": "acme", "first": 5000}, {"slug": "nobody"}],
    ids=["bad cursor", "page too large", "unknown organization"],
)
async def test_errors_are_the_same_from_both_executors(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    variables: dict[str, Any],
) -> None:
    given = await given_data(engine)
    query = (Path(QUERIES) / "OrganizationTree.graphql").read_text()

    fast = await post(client, given["token"], query, variables)
    plain = await post(plain_client, given["token"], query, variables)

    assert fast.json() == plain.json()


# The unusual values the fast way hands back to graphql-core, on a schema of their own.


@strawberry.enum
class Color(enum.Enum):
    RED = "red"


class Broken:
    @property
    def raises(self) -> str:
        raise RuntimeError("a property that fails")


@strawberry.type
class Detail:
    size: int

    @strawberry.field
    def fails(self) -> int:
        raise RuntimeError("a resolver that fails")


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Pet(Named):
    pass


@strawberry.type
class Item:
    name: str
    maybe: str | None
    color: Color
    colors: list[Color]
    count: int
    broken: strawberry.Private[Broken]
    detail: Detail | None = None
    required_detail: Detail = strawberry.field(default_factory=lambda: Detail(size=1))
    pet: Pet | None = strawberry.field(default_factory=lambda: Pet(name="rex"))

    @strawberry.field
    def raises(self) -> str:
        return self.broken.raises

    @strawberry.field
    async def later(self) -> int:
        return self.count

    @strawberry.field
    async def later_fails(self) -> int:
        raise RuntimeError("an async resolver that fails")


def broken_items() -> list[Item]:
    """Items of every unusual kind: each makes the fast way hand the field back, or report an error."""
    return [
        Item(name="fine", maybe=None, color=Color.RED, colors=[Color.RED], count=1, broken=Broken()),
        Item(name=None, maybe="x", color=Color.RED, colors=[], count=2, broken=Broken()),  # type: ignore[arg-type]
        Item(name="bad enum", maybe=None, color="blue", colors=[Color.RED], count=3, broken=Broken()),  # type: ignore[arg-type]
        Item(name="bad list", maybe=None, color=Color.RED, colors=[None], count=4, broken=Broken()),  # type: ignore[list-item]
        Item(name="bad int", maybe=None, color=Color.RED, colors=[], count="many", broken=Broken()),  # type: ignore[arg-type]
        Item(
            name="no detail",
            maybe=None,
            color=Color.RED,
            colors=[],
            count=5,
            broken=Broken(),
            required_detail=None,  # type: ignore[arg-type]
        ),
        Item(
            name="detail",
            maybe=None,
            color=Color.RED,
            colors=[],
            count=6,
            broken=Broken(),
            detail=Detail(size=2),
        ),
        Item(
            name="wrong pet",
            maybe=None,
            color=Color.RED,
            colors=[],
            count=7,
            broken=Broken(),
            pet=Detail(size=3),  # type: ignore[arg-type]
        ),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return list(broken_items())


def _fine_item(count: int) -> Item:
    return Item(name="fine", maybe=None, color=Color.RED, colors=[], count=count, broken=Broken())


@strawberry.type
class ListQuery:
    """Lists of non-null objects, which the fast way completes item by item."""

    @strawberry.field
    def fine(self) -> list[Item]:
        return [_fine_item(1), _fine_item(2)]

    @strawberry.field
    def maybe_broken(self) -> list[Item] | None:
        return broken_items()

    @strawberry.field
    def with_null(self) -> list[Item] | None:
        return [_fine_item(1), None]  # type: ignore[list-item]

    @strawberry.field
    def required_broken(self) -> list[Item]:
        return [_fine_item(1), broken_items()[5]]

    @strawberry.field
    def not_a_list(self) -> list[Item] | None:
        return "items"  # type: ignore[return-value]


LIST_DOCUMENTS = [
    "{ fine { name count later } }",
    "{ fine { count laterFails } }",
    "{ fine { count detail { size fails } } }",
    "{ maybeBroken { name color count } }",
    "{ maybeBroken { count requiredDetail { fails } } }",
    "{ maybeBroken { count later } }",
    "{ withNull { count } }",
    "{ requiredBroken { count requiredDetail { size } } }",
    "{ notAList { count } }",
]


@pytest.mark.parametrize("document", LIST_DOCUMENTS)
async def test_lists_of_objects_get_what_graphql_core_gives(document: str) -> None:
    fast = await strawberry.Schema(ListQuery, execution_context_class=FastFieldsExecutor).execute(document)
    plain = await strawberry.Schema(ListQuery).execute(document)

    assert (fast.data, _errors(fast)) == (plain.data, _errors(plain))


def _errors(result: Any) -> list[tuple[str, Any, Any]]:
    return [(error.message, error.path, error.locations) for error in result.errors or []]


UNUSUAL = """{
  items { name maybe color colors count requiredDetail { size } }
  a: items { count detail { size fails } }
  b: items { detail { size } requiredDetail { fails } }
  c: items { pet { name } }
}"""


def test_unusual_values_get_the_errors_graphql_core_gives() -> None:
    fast = strawberry.Schema(Query, execution_context_class=FastFieldsExecutor).execute_sync(UNUSUAL)
    plain = strawberry.Schema(Query).execute_sync(UNUSUAL)

    def answer(result: Any) -> tuple[Any, list[Any]]:
        return result.data, [(e.message, e.path, e.locations) for e in result.errors or []]

    assert answer(fast) == answer(plain)
    assert fast.errors, "the schema above must produce errors, or this test proves nothing"
    assert re.search("non-nullable", str(fast.errors))


# Timestamps and nulls, which the fast way completes without graphql-core's output coercion.

ZONES = st.sampled_from([dt.UTC, None, dt.timezone(dt.timedelta(hours=5, minutes=30, seconds=15))])


@strawberry.type
class Moment:
    at: dt.datetime
    maybe_at: dt.datetime | None
    maybe_color: Color | None
    maybe_flag: bool | None


@given(
    moments=st.lists(
        st.tuples(
            st.datetimes(timezones=ZONES),
            st.none() | st.datetimes(timezones=ZONES),
            st.none() | st.just(Color.RED),
            st.none() | st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
@settings(max_examples=60, deadline=None)
def test_timestamps_and_nulls_get_what_graphql_core_gives(
    moments: list[tuple[dt.datetime, dt.datetime | None, Color | None, bool | None]],
) -> None:
    @strawberry.type
    class MomentQuery:
        @strawberry.field
        def moments(self) -> list[Moment]:
            return [
                Moment(at=at, maybe_at=maybe, maybe_color=color, maybe_flag=flag)
                for at, maybe, color, flag in moments
            ]

    document = "{ moments { at maybeAt maybeColor maybeFlag } }"
    fast = strawberry.Schema(MomentQuery, execution_context_class=FastFieldsExecutor).execute_sync(document)
    plain = strawberry.Schema(MomentQuery).execute_sync(document)

    assert (fast.data, _errors(fast)) == (plain.data, _errors(plain))
    assert fast.data is not None
    assert fast.data["moments"][0]["at"] == moments[0][0].isoformat()
