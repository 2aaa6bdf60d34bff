"""Organization.auditLog through the client's AuditLog document: what an import records, newest first,
filtered and paginated; readable with org:read only."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.importing import import_file, read_import_file
from aisettings.resolvers.audit_log import AUDIT_CURSOR
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_organization, make_token
from tests.graphql import document, error_codes, errors, execute
from tests.read_back import audit_log

AUDIT_LOG = document("AuditLog")

NODE = """
query Node($id: ID!) {
  node(id: $id) { __typename ... on Organization { slug } ... on Project { slug } ... on Repository { name } }
}
"""

FIRST_IMPORT: dict[str, Any] = {
    "organizations": [
        {
            "slug": "acme",
            "settings": {"fixEnabled": True, "stoppingPoint": "MERGE", "lockedSettings": ["SCAN_ENABLED"]},
            "projects": [
                {
                    "slug": "web",
                    "overrides": {"fixEnabled": False},
                    "repositories": [{"provider": "GITHUB", "name": "acme/web", "branchPatterns": ["main"]}],
                },
                {"slug": "api", "overrides": {"stoppingPoint": "SUGGESTION"}},
            ],
        }
    ]
}

SECOND_IMPORT: dict[str, Any] = {
    "organizations": [
        {
            "slug": "acme",
            "settings": {"fixEnabled": False},
            "projects": [{"slug": "web", "overrides": {"fixEnabled": True}}],
        },
    ]
}

# The entries of FIRST_IMPORT, oldest first: (action, targetType, changes).
FIRST_IMPORT_ENTRIES = [
    (
        "ORGANIZATION_SETTINGS_UPDATED",
        "ORGANIZATION",
        [
            {"field": "fixEnabled", "before": None, "after": True},
            {"field": "stoppingPoint", "before": None, "after": "MERGE"},
            {"field": "lockedSettings", "before": [], "after": ["SCAN_ENABLED"]},
        ],
    ),
    ("PROJECT_SETTINGS_UPDATED", "PROJECT", [{"field": "fixEnabled", "before": None, "after": False}]),
    (
        "REPOSITORY_ADDED",
        "REPOSITORY",
        [
            {"field": "provider", "before": None, "after": "GITHUB"},
            {"field": "name", "before": None, "after": "acme/web"},
            {"field": "aiEnabled", "before": None, "after": True},
            {"field": "branchPatterns", "before": None, "after": ["main"]},
        ],
    ),
    (
        "PROJECT_SETTINGS_UPDATED",
        "PROJECT",
        [{"field": "stoppingPoint", "before": None, "after": "SUGGESTION"}],
    ),
]

# Every entry of both imports, newest first, by name: batch number and target.
LABELS = ["2:web", "2:org", "1:api", "1:repo", "1:web", "1:org"]
FIRST_BATCH = LABELS[2:]


def without_zone(created_at: str, later_by: dt.timedelta = dt.timedelta()) -> str:
    """`created_at` (plus `later_by`) as the same moment in UTC, written without a time zone."""
    moment = dt.datetime.fromisoformat(created_at).astimezone(dt.UTC) + later_by
    return moment.replace(tzinfo=None).isoformat()


async def import_document(engine: AsyncEngine, exchange: dict[str, Any]) -> None:
    await import_file(engine, read_import_file(json.dumps(exchange).encode()))


async def given_acme(engine: AsyncEngine) -> str:
    """An owner's token of an organization `acme` with nothing in its audit log."""
    return await make_token(engine, await make_organization(engine, "acme"))


async def given_two_imports(engine: AsyncEngine, client: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    """A token of acme, and the entries of two imports by label (see LABELS)."""
    token = await given_acme(engine)
    await import_document(engine, FIRST_IMPORT)
    await import_document(engine, SECOND_IMPORT)
    nodes = (await audit_log(client, token))["nodes"]
    assert len(nodes) == len(LABELS), nodes
    return token, dict(zip(LABELS, nodes, strict=True))


async def test_audit_log_of_an_organization_without_writes_is_empty(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)

    log = await audit_log(client, token)

    assert log == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": []}


async def test_import_records_each_change_newest_first(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)

    await import_document(engine, FIRST_IMPORT)

    log = await audit_log(client, token)
    assert log["totalCount"] == len(FIRST_IMPORT_ENTRIES)
    assert [(node["action"], node["targetType"], node["changes"]) for node in log["nodes"]] == list(
        reversed(FIRST_IMPORT_ENTRIES)
    )


async def test_import_entries_name_the_import_as_actor(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)

    await import_document(engine, FIRST_IMPORT)

    assert {node["actor"] for node in (await audit_log(client, token))["nodes"]} == {"import"}


async def test_entries_carry_their_creation_time_newest_first(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)
    started = dt.datetime.now(dt.UTC)

    await import_document(engine, FIRST_IMPORT)

    times = [
        dt.datetime.fromisoformat(node["createdAt"]) for node in (await audit_log(client, token))["nodes"]
    ]
    assert times == sorted(times, reverse=True)
    assert started <= times[-1]
    assert times[0] <= dt.datetime.now(dt.UTC)


async def test_entries_of_one_import_share_one_batch_id_of_their_own(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, entries = await given_two_imports(engine, client)

    first, second = entries["1:org"]["batchId"], entries["2:org"]["batchId"]

    assert first != second
    assert [entries[label]["batchId"] for label in LABELS] == [second] * 2 + [first] * 4


@pytest.mark.parametrize(
    ("target_type", "targets"),
    [
        ("ORGANIZATION", [{"__typename": "Organization", "slug": "acme"}]),
        ("PROJECT", [{"__typename": "Project", "slug": "api"}, {"__typename": "Project", "slug": "web"}]),
        ("REPOSITORY", [{"__typename": "Repository", "name": "acme/web"}]),
    ],
)
async def test_target_id_resolves_through_node_to_the_object_changed(
    engine: AsyncEngine, client: httpx.AsyncClient, target_type: str, targets: list[dict[str, str]]
) -> None:
    token = await given_acme(engine)
    await import_document(engine, FIRST_IMPORT)
    nodes = (await audit_log(client, token))["nodes"]
    target_ids = [node["targetId"] for node in nodes if node["targetType"] == target_type]

    found = [(await execute(client, token, NODE, {"id": target_id}))["node"] for target_id in target_ids]

    assert found == targets


async def test_entries_of_other_organizations_are_not_listed(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)
    other = {
        "slug": "other",
        "settings": {"fixEnabled": True},
        "projects": [{"slug": "web", "overrides": {"scanEnabled": False}}],
    }
    await import_document(engine, {"organizations": [*FIRST_IMPORT["organizations"], other]})

    log = await audit_log(client, token)

    assert log["totalCount"] == len(FIRST_IMPORT_ENTRIES)
    assert len(log["nodes"]) == len(FIRST_IMPORT_ENTRIES)


async def test_importing_the_same_file_again_records_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)
    await import_document(engine, FIRST_IMPORT)
    before = await audit_log(client, token)

    await import_document(engine, FIRST_IMPORT)

    assert await audit_log(client, token) == before


# --- Filters -------------------------------------------------------------------------------------------

Entries = dict[str, Any]
FilterOf = Callable[[Entries], dict[str, Any]]

FILTERS: list[Any] = [
    pytest.param(lambda e: {}, LABELS, id="none"),
    pytest.param(
        lambda e: {"actions": ["PROJECT_SETTINGS_UPDATED"]}, ["2:web", "1:api", "1:web"], id="one-action"
    ),
    pytest.param(
        lambda e: {"actions": ["REPOSITORY_ADDED", "ORGANIZATION_SETTINGS_UPDATED"]},
        ["2:org", "1:repo", "1:org"],
        id="two-actions",
    ),
    pytest.param(lambda e: {"actions": ["REPOSITORY_REMOVED"]}, [], id="action-never-done"),
    pytest.param(lambda e: {"actions": []}, [], id="no-actions"),
    pytest.param(lambda e: {"targetId": e["1:web"]["targetId"]}, ["2:web", "1:web"], id="project"),
    pytest.param(lambda e: {"targetId": e["1:org"]["targetId"]}, ["2:org", "1:org"], id="organization"),
    pytest.param(lambda e: {"targetId": e["1:repo"]["targetId"]}, ["1:repo"], id="repository"),
    pytest.param(lambda e: {"batchId": e["1:org"]["batchId"]}, FIRST_BATCH, id="batch"),
    pytest.param(lambda e: {"batchId": "no-such-batch"}, [], id="unknown-batch"),
    pytest.param(lambda e: {"since": e["2:org"]["createdAt"]}, ["2:web", "2:org"], id="since-inclusive"),
    pytest.param(lambda e: {"since": e["1:org"]["createdAt"]}, LABELS, id="since-oldest"),
    pytest.param(lambda e: {"until": e["2:org"]["createdAt"]}, FIRST_BATCH, id="until-exclusive"),
    pytest.param(lambda e: {"until": e["1:org"]["createdAt"]}, [], id="until-oldest"),
    pytest.param(
        lambda e: {"since": e["1:org"]["createdAt"], "until": e["2:org"]["createdAt"]},
        FIRST_BATCH,
        id="since-and-until",
    ),
    # The earliest and latest times there are, once in UTC.
    pytest.param(lambda e: {"since": "0001-01-01T00:00:00-05:00"}, LABELS, id="since-earliest-time"),
    pytest.param(lambda e: {"since": "0001-01-01T00:00:00"}, LABELS, id="since-earliest-time-without-zone"),
    pytest.param(lambda e: {"until": "9999-12-31T23:59:59+05:00"}, LABELS, id="until-latest-time"),
    pytest.param(
        lambda e: {"until": "9999-12-31T23:59:59.999999"}, LABELS, id="until-latest-time-without-zone"
    ),
    pytest.param(
        lambda e: {"actions": ["PROJECT_SETTINGS_UPDATED"], "batchId": e["2:org"]["batchId"]},
        ["2:web"],
        id="action-and-batch",
    ),
    pytest.param(
        lambda e: {"actions": ["REPOSITORY_ADDED"], "batchId": e["2:org"]["batchId"]},
        [],
        id="action-and-batch-disjoint",
    ),
    pytest.param(
        lambda e: {"targetId": e["1:org"]["targetId"], "since": e["2:org"]["createdAt"]},
        ["2:org"],
        id="target-and-since",
    ),
    pytest.param(
        lambda e: {"targetId": e["1:web"]["targetId"], "until": e["2:org"]["createdAt"]},
        ["1:web"],
        id="target-and-until",
    ),
    pytest.param(
        lambda e: {
            "actions": ["PROJECT_SETTINGS_UPDATED", "REPOSITORY_ADDED"],
            "targetId": e["1:api"]["targetId"],
            "batchId": e["1:api"]["batchId"],
            "since": e["1:org"]["createdAt"],
            "until": e["2:org"]["createdAt"],
        },
        ["1:api"],
        id="all-five",
    ),
]


@pytest.mark.parametrize(("filter_of", "expected"), FILTERS)
async def test_filter_lists_the_entries_meeting_every_condition(
    engine: AsyncEngine, client: httpx.AsyncClient, filter_of: FilterOf, expected: list[str]
) -> None:
    token, entries = await given_two_imports(engine, client)

    log = await audit_log(client, token, filter=filter_of(entries))

    assert log["nodes"] == [entries[label] for label in expected]
    assert log["totalCount"] == len(expected)


@pytest.fixture
def local_time_five_hours_behind_utc() -> Iterator[None]:
    """The server's local time zone is UTC-5 (a POSIX rule, no time zone database needed), so that a time
    taken as local time would differ from the same time taken as UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "EST5"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


MICROSECOND = dt.timedelta(microseconds=1)


@pytest.mark.usefixtures("local_time_five_hours_behind_utc")
@pytest.mark.parametrize(
    ("filter_of", "expected"),
    [
        pytest.param(
            lambda e: {"since": without_zone(e["2:org"]["createdAt"])}, ["2:web", "2:org"], id="since"
        ),
        pytest.param(
            lambda e: {"since": without_zone(e["2:org"]["createdAt"], MICROSECOND)}, [], id="since-just-after"
        ),
        pytest.param(lambda e: {"until": without_zone(e["2:org"]["createdAt"])}, FIRST_BATCH, id="until"),
        pytest.param(
            lambda e: {"until": without_zone(e["2:org"]["createdAt"], MICROSECOND)},
            LABELS,
            id="until-just-after",
        ),
    ],
)
async def test_time_without_a_zone_is_taken_as_utc(
    engine: AsyncEngine, client: httpx.AsyncClient, filter_of: FilterOf, expected: list[str]
) -> None:
    token, entries = await given_two_imports(engine, client)

    log = await audit_log(client, token, filter=filter_of(entries))

    assert [node["id"] for node in log["nodes"]] == [entries[label]["id"] for label in expected]


# --- Pagination ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("first", [1, 2, 4])
async def test_pages_walk_every_entry_once_newest_first(
    engine: AsyncEngine, client: httpx.AsyncClient, first: int
) -> None:
    token, entries = await given_two_imports(engine, client)

    pages = [await audit_log(client, token, first=first)]
    while pages[-1]["pageInfo"]["hasNextPage"] and len(pages) <= len(LABELS):
        pages.append(await audit_log(client, token, first=first, after=pages[-1]["pageInfo"]["endCursor"]))

    assert [node for page in pages for node in page["nodes"]] == [entries[label] for label in LABELS]
    assert not pages[-1]["pageInfo"]["hasNextPage"]
    assert {page["totalCount"] for page in pages} == {len(LABELS)}


async def test_pages_of_a_filtered_log_walk_only_its_entries(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token, entries = await given_two_imports(engine, client)
    batch = {"batchId": entries["1:org"]["batchId"]}

    first_page = await audit_log(client, token, first=3, filter=batch)
    second_page = await audit_log(
        client, token, first=3, filter=batch, after=first_page["pageInfo"]["endCursor"]
    )

    assert first_page["nodes"] + second_page["nodes"] == [entries[label] for label in FIRST_BATCH]
    assert (first_page["pageInfo"]["hasNextPage"], second_page["pageInfo"]["hasNextPage"]) == (True, False)


async def test_page_of_the_maximum_size_is_allowed(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token, _ = await given_two_imports(engine, client)

    log = await audit_log(client, token, first=500)

    assert len(log["nodes"]) == len(LABELS)


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param({"first": -1}, id="negative-first"),
        pytest.param({"after": "abc"}, id="malformed-cursor"),
        pytest.param({"filter": {"targetId": "abc"}}, id="malformed-target-id"),
        pytest.param({"filter": {"since": "0001-01-01T00:00:00+05:00"}}, id="since-before-year-1-in-utc"),
        pytest.param({"filter": {"until": "9999-12-31T23:59:59-05:00"}}, id="until-after-year-9999-in-utc"),
    ],
)
async def test_invalid_arguments_are_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, arguments: dict[str, Any]
) -> None:
    token = await given_acme(engine)

    found = await errors(client, token, AUDIT_LOG, {"slug": "acme", **arguments})

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_a_page_over_500_entries_is_a_limit_exceeded_error(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)

    found = await errors(client, token, AUDIT_LOG, {"slug": "acme", "first": 501})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]


def forged_cursor(kind: str, key: int) -> str:
    """A cursor such as the server makes, with a key it never issues (beyond 64 bits, too)."""
    return base64.urlsafe_b64encode(json.dumps([kind, key]).encode()).decode().rstrip("=")


@pytest.mark.parametrize("key", [2**31, 10**20])
@pytest.mark.parametrize(
    "arguments_of",
    [
        pytest.param(lambda key: {"after": forged_cursor(AUDIT_CURSOR, key)}, id="cursor"),
        pytest.param(lambda key: {"filter": {"targetId": encode_global_id("Project", key)}}, id="target-id"),
    ],
)
async def test_id_beyond_any_stored_id_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, arguments_of: Callable[[int], dict[str, Any]], key: int
) -> None:
    token = await given_acme(engine)

    found = await errors(client, token, AUDIT_LOG, {"slug": "acme", **arguments_of(key)})

    assert error_codes(found) == ["BAD_USER_INPUT"]


# --- Scopes --------------------------------------------------------------------------------------------


async def test_token_without_org_read_is_forbidden_to_read_the_audit_log(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    await import_document(engine, FIRST_IMPORT)
    token = await make_token(engine, org, "olivia", scopes=["project:read"])

    found = await errors(client, token, AUDIT_LOG, {"slug": "acme"})

    assert [(error["extensions"]["code"], error["path"]) for error in found] == [
        ("FORBIDDEN", ["organization", "auditLog"])
    ]
