"""A new setting is one registry entry and a migration: a server whose registry holds one more boolean and
one more enum setting (tests/extra_settings.py), on a database migrated for them, writes, audits, reads,
summarizes, filters, gates, exports and imports them as it does the product's own, through HTTP and the
command line."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models import migrate
from aisettings.models.database import create_engine
from tests import extra_settings
from tests.databases import new_database
from tests.factories import Org, make_organization, make_project, make_repository, make_token
from tests.graphql import error_fields_and_codes, execute, organization_id, project_id
from tests.server_process import server_process

UPDATE_ORGANIZATION = """mutation UpdateOrganizationSettings($input: UpdateOrganizationSettingsInput!) {
  updateOrganizationSettings(input: $input) {
    organization { settings { autoTriageEnabled triageDepth lockedSettings } }
    auditEntries { action changes { field before after } }
    userErrors { field code message }
  }
}"""

UPDATE_PROJECT = """mutation UpdateProjectSettings($input: UpdateProjectSettingsInput!) {
  updateProjectSettings(input: $input) {
    project {
      overrides { autoTriageEnabled triageDepth }
      effectiveSettings {
        overriddenSettings
        autoTriageEnabled { value source locked }
        triageDepth { value source locked }
      }
    }
    auditEntries { action changes { field before after } }
    userErrors { field code message }
  }
}"""

TREE = """query ExtraSettingsTree($slug: String!) {
  organization(slug: $slug) {
    settings { autoTriageEnabled triageDepth lockedSettings }
    settingsSummary { projectCount autoTriageEnabledCount triageDepthCounts { triageDepth count } }
    overridingAutoTriage: projects(filter: {overrides: [AUTO_TRIAGE_ENABLED]}) { nodes { slug } }
    projects {
      nodes {
        slug
        effectiveSettings { autoTriageEnabled { value source } triageDepth { value source } }
        repositories {
          nodes { name status effectiveSettings { autoTriageEnabled { value source } triageDepth { value } } }
        }
      }
    }
  }
}"""


@dataclass(frozen=True)
class ExtendedApp:
    """`aisettings serve` with the extra settings (a client of it), on a database of its own (its URL and
    an engine), where each test makes an organization of its own."""

    client: httpx.AsyncClient
    database_url: str
    engine: AsyncEngine


@pytest.fixture(scope="module")
async def extended_app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ExtendedApp]:
    log = tmp_path_factory.mktemp("extra_settings") / "serve.log"
    async with new_database("aisettings_extra_settings") as url:
        engine = create_engine(url)
        try:
            # The product's migrations, then the one that comes with the extra settings.
            await migrate.upgrade(engine)
            async with engine.begin() as connection:
                await connection.run_sync(extra_settings.add_extra_setting_columns)
            async with (
                server_process(url, log, cli=extra_settings.CLI) as server,
                httpx.AsyncClient(base_url=server.url) as client,
            ):
                yield ExtendedApp(client, url, engine)
        finally:
            await engine.dispose()


async def given_organization(app: ExtendedApp, slug: str, *projects: str) -> tuple[Org, list[int], str]:
    """An organization `slug` with `projects` (their ids), and its owner's token."""
    org = await make_organization(app.engine, slug)
    ids = [await make_project(app.engine, org, project) for project in projects]
    return org, ids, await make_token(app.engine, org)


async def set_triage(
    client: httpx.AsyncClient, token: str, org: Org, web: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The organization reads whole threads and locks that; `web` triages automatically. The payloads."""
    organization = await execute(
        client,
        token,
        UPDATE_ORGANIZATION,
        {
            "input": {
                "organizationId": organization_id(org),
                "triageDepth": "THREAD",
                "lockedSettings": ["TRIAGE_DEPTH"],
            }
        },
    )
    project = await execute(
        client,
        token,
        UPDATE_PROJECT,
        {"input": {"projectId": project_id(web), "changes": {"autoTriageEnabled": True}}},
    )
    return organization["updateOrganizationSettings"], project["updateProjectSettings"]


async def test_a_new_setting_of_each_type_is_written_and_audited(
    extended_app: ExtendedApp,
) -> None:
    org, (web,), token = await given_organization(extended_app, "writes", "web")

    organization, project = await set_triage(extended_app.client, token, org, web)

    assert organization == {
        "organization": {
            "settings": {
                "autoTriageEnabled": False,
                "triageDepth": "THREAD",
                "lockedSettings": ["TRIAGE_DEPTH"],
            }
        },
        "auditEntries": [
            {
                "action": "ORGANIZATION_SETTINGS_UPDATED",
                "changes": [
                    {"field": "triageDepth", "before": None, "after": "THREAD"},
                    {"field": "lockedSettings", "before": [], "after": ["TRIAGE_DEPTH"]},
                ],
            }
        ],
        "userErrors": [],
    }
    assert project == {
        "project": {
            "overrides": {"autoTriageEnabled": True, "triageDepth": None},
            "effectiveSettings": {
                "overriddenSettings": ["AUTO_TRIAGE_ENABLED"],
                "autoTriageEnabled": {"value": True, "source": "PROJECT", "locked": False},
                "triageDepth": {"value": "THREAD", "source": "ORGANIZATION", "locked": True},
            },
        },
        "auditEntries": [
            {
                "action": "PROJECT_SETTINGS_UPDATED",
                "changes": [{"field": "autoTriageEnabled", "before": None, "after": True}],
            }
        ],
        "userErrors": [],
    }


async def test_a_new_setting_the_organization_locks_cannot_be_overridden(
    extended_app: ExtendedApp,
) -> None:
    org, (web,), token = await given_organization(extended_app, "locks", "web")
    await set_triage(extended_app.client, token, org, web)

    data = await execute(
        extended_app.client,
        token,
        UPDATE_PROJECT,
        {"input": {"projectId": project_id(web), "changes": {"triageDepth": "TITLE"}}},
    )

    payload = data["updateProjectSettings"]
    assert error_fields_and_codes(payload) == [(["input", "changes", "triageDepth"], "LOCKED")]
    assert payload["project"] is None


async def test_new_settings_are_read_summarized_and_filtered_like_the_others(
    extended_app: ExtendedApp,
) -> None:
    org, (web, _), token = await given_organization(extended_app, "reads", "web", "docs")
    await set_triage(extended_app.client, token, org, web)

    tree = (await execute(extended_app.client, token, TREE, {"slug": org.slug}))["organization"]

    assert tree["settings"] == {
        "autoTriageEnabled": False,
        "triageDepth": "THREAD",
        "lockedSettings": ["TRIAGE_DEPTH"],
    }
    assert tree["settingsSummary"] == {
        "projectCount": 2,
        "autoTriageEnabledCount": 1,
        "triageDepthCounts": [{"triageDepth": "TITLE", "count": 0}, {"triageDepth": "THREAD", "count": 2}],
    }
    assert tree["overridingAutoTriage"]["nodes"] == [{"slug": "web"}]
    assert {node["slug"]: node["effectiveSettings"] for node in tree["projects"]["nodes"]} == {
        "docs": {
            "autoTriageEnabled": {"value": False, "source": "SYSTEM_DEFAULT"},
            "triageDepth": {"value": "THREAD", "source": "ORGANIZATION"},
        },
        "web": {
            "autoTriageEnabled": {"value": True, "source": "PROJECT"},
            "triageDepth": {"value": "THREAD", "source": "ORGANIZATION"},
        },
    }


async def test_a_repository_runs_while_a_new_gated_setting_is_on_and_switched_off_forces_it_off(
    extended_app: ExtendedApp,
) -> None:
    client, engine = extended_app.client, extended_app.engine
    org, (web, docs), token = await given_organization(extended_app, "gates", "web", "docs")
    await make_repository(engine, web, "gates/web")
    await make_repository(engine, web, "gates/web-legacy", ai_enabled=False)
    await make_repository(engine, docs, "gates/docs")
    await set_triage(client, token, org, web)
    # Neither scanning nor fixing anywhere: only web's triage keeps AI running.
    await execute(
        client,
        token,
        UPDATE_ORGANIZATION,
        {"input": {"organizationId": organization_id(org), "scanEnabled": False, "fixEnabled": False}},
    )

    tree = (await execute(client, token, TREE, {"slug": org.slug}))["organization"]

    repositories = {
        repository["name"]: repository
        for node in tree["projects"]["nodes"]
        for repository in node["repositories"]["nodes"]
    }
    assert {name: repository["status"] for name, repository in repositories.items()} == {
        "gates/docs": "DISABLED_BY_SETTINGS",
        "gates/web": "ACTIVE",
        "gates/web-legacy": "DISABLED_BY_REPOSITORY",
    }
    assert repositories["gates/web"]["effectiveSettings"] == {
        "autoTriageEnabled": {"value": True, "source": "PROJECT"},
        "triageDepth": {"value": "THREAD"},
    }
    assert repositories["gates/web-legacy"]["effectiveSettings"] == {
        "autoTriageEnabled": {"value": False, "source": "REPOSITORY"},
        "triageDepth": {"value": "THREAD"},
    }


async def test_new_settings_are_imported_and_exported(extended_app: ExtendedApp) -> None:
    url = extended_app.database_url
    file = {
        "organizations": [
            {
                "slug": "exchanges",
                "settings": {"autoTriageEnabled": True, "lockedSettings": ["TRIAGE_DEPTH"]},
                "projects": [
                    {"slug": "web", "overrides": {"autoTriageEnabled": False, "triageDepth": "THREAD"}}
                ],
            }
        ]
    }

    imported, _ = await extra_settings.run_cli(url, "import", "-", stdin=json.dumps(file).encode())
    exported, output = await extra_settings.run_cli(url, "export", "--org", "exchanges")

    assert (imported, exported) == (0, 0)
    (organization,) = json.loads(output)["organizations"]
    assert organization["settings"] == {"autoTriageEnabled": True, "lockedSettings": ["TRIAGE_DEPTH"]}
    assert organization["projects"][0]["overrides"] == {"autoTriageEnabled": False, "triageDepth": "THREAD"}


async def test_an_import_file_with_a_value_a_new_setting_does_not_take_is_refused(
    extended_app: ExtendedApp,
) -> None:
    url = extended_app.database_url
    file = {"organizations": [{"slug": "refused", "settings": {"triageDepth": "EVERYTHING"}}]}

    status, output = await extra_settings.run_cli(url, "import", "-", stdin=json.dumps(file).encode())

    assert status == 1
    assert "$.organizations[0].settings.triageDepth: Input should be 'TITLE' or 'THREAD'" in output


async def test_the_rest_api_takes_and_answers_new_settings_and_documents_them(
    extended_app: ExtendedApp,
) -> None:
    _, _, token = await given_organization(extended_app, "rest", "web")
    headers = {"Authorization": f"Bearer {token}"}
    client = extended_app.client

    organization = await client.patch(
        "/api/0/organizations/rest/ai-settings/", json={"triage_depth": "thread"}, headers=headers
    )
    project = await client.patch(
        "/api/0/projects/rest/web/ai-settings/",
        json={"auto_triage_enabled_override": "true"},
        headers=headers,
    )
    document = (await client.get("/api/0/openapi.json")).json()

    assert (organization.status_code, organization.json()["triage_depth"]) == (200, "thread")
    assert project.json()["auto_triage_enabled_override"] is True
    assert project.json()["effective_settings"]["triage_depth"]["value"] == "thread"
    schemas = document["components"]["schemas"]
    assert schemas["OrganizationSettingsPut"]["properties"]["triage_depth"]["enum"] == ["title", "thread"]
    assert "auto_triage_enabled_override" in schemas["ProjectSettingsPut"]["required"]
