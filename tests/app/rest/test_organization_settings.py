"""/api/0/organizations/{org}/ai-settings/: GET, PUT (a full replacement with DRF's defaults, locks kept
when left out) and PATCH, with their errors, ETag and If-Match, and their audit entries."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from tests.factories import stored_rows
from tests.read_back import audit_log_nodes
from tests.rest import ORGANIZATION_SETTINGS, call, given_acme, ok

DEFAULTS = {"scan_enabled": True, "fix_enabled": False, "stopping_point": "pull_request"}


async def test_an_organization_that_never_saved_settings_answers_the_defaults(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "GET", ORGANIZATION_SETTINGS, acme.member)

    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "locked_settings": [], "version": 0, "updated_at": None}
    assert response.headers["etag"] == '"0"'


async def test_put_stores_the_defaults_of_the_fields_left_out(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, settings={"scan_enabled": False, "stopping_point": StoppingPoint.MERGE})

    written = await ok(client, "PUT", ORGANIZATION_SETTINGS, acme.owner, {"fix_enabled": True})

    read = await ok(client, "GET", ORGANIZATION_SETTINGS, acme.member)
    expected = {"scan_enabled": True, "fix_enabled": True, "stopping_point": "pull_request"}
    assert {name: read[name] for name in DEFAULTS} == expected
    assert written == read


async def test_a_put_of_an_old_client_leaves_the_locks_as_they_were(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, settings={"fix_enabled": True}, locked=["fix_enabled", "stopping_point"])

    await ok(client, "PUT", ORGANIZATION_SETTINGS, acme.owner, {**DEFAULTS, "stopping_point": "merge"})

    read = await ok(client, "GET", ORGANIZATION_SETTINGS, acme.member)
    assert read["locked_settings"] == ["fix_enabled", "stopping_point"]
    assert read["stopping_point"] == "merge"


async def test_a_put_that_names_the_locks_replaces_them(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, locked=["fix_enabled"])

    written = await ok(
        client, "PUT", ORGANIZATION_SETTINGS, acme.owner, {"locked_settings": ["scan_enabled"]}
    )

    assert written["locked_settings"] == ["scan_enabled"]


async def test_patch_changes_only_what_it_names(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(
        engine, settings={"scan_enabled": False, "fix_enabled": True}, locked=["fix_enabled"]
    )

    written = await ok(client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"stopping_point": "suggestion"})

    assert {name: written[name] for name in DEFAULTS} == {
        "scan_enabled": False,
        "fix_enabled": True,
        "stopping_point": "suggestion",
    }
    assert written["locked_settings"] == ["fix_enabled"]


@pytest.mark.parametrize(
    ("text", "value"), [("false", False), ("0", False), (0, False), ("off", False), ("True", True), (1, True)]
)
async def test_booleans_are_parsed_as_drf_parses_them(
    client: httpx.AsyncClient, engine: AsyncEngine, text: object, value: bool
) -> None:
    acme = await given_acme(engine, settings={"scan_enabled": not value})

    written = await ok(client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"scan_enabled": text})

    assert written["scan_enabled"] is value


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"stopping_point": "invalid"}, {"stopping_point": ['"invalid" is not a valid choice.']}),
        ({"stopping_point": "PULL_REQUEST"}, {"stopping_point": ['"PULL_REQUEST" is not a valid choice.']}),
        ({"scan_enabled": "maybe"}, {"scan_enabled": ["Must be a valid boolean."]}),
        ({"scan_enabled": [True]}, {"scan_enabled": ["Must be a valid boolean."]}),
        ({"fix_enabled": None}, {"fix_enabled": ["This field may not be null."]}),
        (
            {"locked_settings": "fix_enabled"},
            {"locked_settings": ['Expected a list of items but got type "str".']},
        ),
        (
            {"locked_settings": ["fix_enabled", "colour"]},
            {"locked_settings": {"1": ['"colour" is not a valid choice.']}},
        ),
    ],
)
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_an_invalid_field_is_a_400_naming_it_and_changes_nothing(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    method: str,
    body: dict[str, object],
    errors: dict[str, object],
) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    response = await call(client, method, ORGANIZATION_SETTINGS, acme.owner, body)

    assert (response.status_code, response.json()) == (400, errors)
    assert await stored_rows(engine) == before


async def test_unknown_fields_are_ignored(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)

    written = await ok(
        client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"colour": "blue", "fix_enabled": True}
    )

    assert written["fix_enabled"] is True
    assert "colour" not in written


async def test_an_etag_that_no_longer_matches_is_a_412_and_changes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    etag = (await call(client, "GET", ORGANIZATION_SETTINGS, acme.member)).headers["etag"]
    await ok(client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"fix_enabled": True})
    before = await stored_rows(engine)

    response = await call(
        client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"scan_enabled": False}, {"If-Match": etag}
    )

    assert response.status_code == 412
    assert set(response.json()) == {"detail"}
    assert await stored_rows(engine) == before


async def test_a_matching_etag_lets_the_write_through_and_answers_the_next(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    etag = (await call(client, "GET", ORGANIZATION_SETTINGS, acme.member)).headers["etag"]

    response = await call(
        client, "PUT", ORGANIZATION_SETTINGS, acme.owner, {"fix_enabled": True}, {"If-Match": etag}
    )

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'


async def test_a_write_is_audited_as_the_graphql_mutation_audits_it(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    await ok(
        client, "PUT", ORGANIZATION_SETTINGS, acme.owner, {"fix_enabled": True, "stopping_point": "merge"}
    )

    (entry,) = await audit_log_nodes(client, acme.owner)
    assert (entry["action"], entry["actor"], entry["targetType"]) == (
        "ORGANIZATION_SETTINGS_UPDATED",
        "olivia",
        "ORGANIZATION",
    )
    changed = {change["field"]: (change["before"], change["after"]) for change in entry["changes"]}
    assert changed == {
        "scanEnabled": (None, True),
        "fixEnabled": (None, True),
        "stoppingPoint": (None, "MERGE"),
    }
