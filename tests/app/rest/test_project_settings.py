"""/api/0/projects/{org}/{project}/ai-settings/: GET, PUT (every override required) and PATCH, with the
effective values and their provenance, the LOCKED refusal, ETag and If-Match, and the audit entries."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from tests.factories import stored_rows
from tests.read_back import audit_log_nodes
from tests.rest import PROJECT_SETTINGS, call, given_acme, ok

INHERIT_ALL = {"scan_enabled_override": None, "fix_enabled_override": None, "stopping_point_override": None}


async def test_get_answers_the_overrides_and_the_effective_values_with_their_provenance(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(
        engine, settings={"fix_enabled": True}, locked=["scan_enabled"], overrides={"scan_enabled": False}
    )

    response = await call(client, "GET", PROJECT_SETTINGS, acme.member)

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body["id"] == str(acme.project)
    assert (body["slug"], body["version"]) == ("web", 1)
    assert {name: body[name] for name in INHERIT_ALL} == {**INHERIT_ALL, "scan_enabled_override": False}
    assert body["effective_settings"] == {
        "scan_enabled": {
            "value": True,
            "source": "system_default",
            "inherited_value": True,
            "inherited_from": "system_default",
            "locked": True,
            "override_ignored": True,
        },
        "fix_enabled": {
            "value": True,
            "source": "organization",
            "inherited_value": True,
            "inherited_from": "organization",
            "locked": False,
            "override_ignored": False,
        },
        "stopping_point": {
            "value": "pull_request",
            "source": "system_default",
            "inherited_value": "pull_request",
            "inherited_from": "system_default",
            "locked": False,
            "override_ignored": False,
        },
    }


async def test_put_replaces_every_override(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine, overrides={"scan_enabled": False})

    body = {**INHERIT_ALL, "fix_enabled_override": True, "stopping_point_override": "merge"}
    written = await ok(client, "PUT", PROJECT_SETTINGS, acme.admin, body)

    read = await ok(client, "GET", PROJECT_SETTINGS, acme.member)
    assert {name: read[name] for name in INHERIT_ALL} == body
    assert read["effective_settings"]["fix_enabled"]["source"] == "project"
    assert written == read


async def test_a_put_without_every_override_names_the_missing_ones(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    response = await call(client, "PUT", PROJECT_SETTINGS, acme.admin, {"scan_enabled_override": None})

    assert response.status_code == 400
    assert response.json() == {
        "fix_enabled_override": ["This field is required."],
        "stopping_point_override": ["This field is required."],
    }
    assert await stored_rows(engine) == before


async def test_patch_changes_only_what_it_names_and_null_inherits(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, overrides={"scan_enabled": False, "stopping_point": StoppingPoint.MERGE})

    written = await ok(client, "PATCH", PROJECT_SETTINGS, acme.admin, {"stopping_point_override": None})

    assert {name: written[name] for name in INHERIT_ALL} == {**INHERIT_ALL, "scan_enabled_override": False}


async def test_an_override_of_a_locked_setting_is_a_400_on_that_field(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, locked=["fix_enabled"])
    before = await stored_rows(engine)

    response = await call(client, "PATCH", PROJECT_SETTINGS, acme.admin, {"fix_enabled_override": True})

    assert response.status_code == 400
    # The message names no field, so that it reads right under the REST name as under GraphQL's.
    assert response.json() == {
        "fix_enabled_override": ["The organization locks this setting: projects cannot override it."]
    }
    assert await stored_rows(engine) == before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"stopping_point_override": "soon"}, {"stopping_point_override": ['"soon" is not a valid choice.']}),
        ({"scan_enabled_override": "perhaps"}, {"scan_enabled_override": ["Must be a valid boolean."]}),
    ],
)
async def test_an_invalid_override_is_a_400_naming_it(
    client: httpx.AsyncClient, engine: AsyncEngine, body: dict[str, object], errors: dict[str, object]
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "PATCH", PROJECT_SETTINGS, acme.admin, body)

    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize(("text", "value"), [("null", None), ("", None), ("false", False), (1, True)])
async def test_nullable_booleans_are_parsed_as_drf_parses_them(
    client: httpx.AsyncClient, engine: AsyncEngine, text: object, value: bool | None
) -> None:
    acme = await given_acme(engine, overrides={"fix_enabled": not value})

    written = await ok(client, "PATCH", PROJECT_SETTINGS, acme.admin, {"fix_enabled_override": text})

    assert written["fix_enabled_override"] is value


async def test_an_etag_that_no_longer_matches_is_a_412_and_changes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    etag = (await call(client, "GET", PROJECT_SETTINGS, acme.member)).headers["etag"]
    await ok(client, "PATCH", PROJECT_SETTINGS, acme.admin, {"fix_enabled_override": True})
    before = await stored_rows(engine)

    response = await call(client, "PUT", PROJECT_SETTINGS, acme.admin, INHERIT_ALL, {"If-Match": etag})

    assert response.status_code == 412
    assert await stored_rows(engine) == before


@pytest.mark.parametrize("etag", ['W/"1"', '"x"', "1", '"' + "1" * 5000 + '"', '"'])
async def test_an_etag_that_is_none_of_ours_is_a_412(
    client: httpx.AsyncClient, engine: AsyncEngine, etag: str
) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    response = await call(
        client, "PATCH", PROJECT_SETTINGS, acme.admin, {"fix_enabled_override": True}, {"If-Match": etag}
    )

    assert response.status_code == 412
    assert await stored_rows(engine) == before


async def test_a_write_is_audited_as_the_graphql_mutation_audits_it(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    await ok(client, "PATCH", PROJECT_SETTINGS, acme.admin, {"fix_enabled_override": True})

    (entry,) = await audit_log_nodes(client, acme.owner)
    assert (entry["action"], entry["actor"], entry["targetType"]) == (
        "PROJECT_SETTINGS_UPDATED",
        "adam",
        "PROJECT",
    )
    assert [(c["field"], c["before"], c["after"]) for c in entry["changes"]] == [("fixEnabled", None, True)]
