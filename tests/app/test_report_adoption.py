"""`aisettings report adoption`: the launch's success metrics on a known fixture, as a table and as JSON;
a bad period or an unknown organization is one line and exit status 1."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.cli import run_cli
from tests.factories import make_organization, make_project, make_projects, make_token
from tests.graphql import document, mutation, organization_id, project_id

pytestmark = pytest.mark.usefixtures("database_environment")

update_organization_settings = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")
update_project_settings = mutation(document("UpdateProjectSettings"), "updateProjectSettings")
record_settings_saved = mutation(document("RecordSettingsSaved"), "recordSettingsSaved")
SINCE_EVER = "2000-01-01"


@pytest.fixture
async def launched(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    """acme (4 projects) turned fixes on for all and scanning off for one, through the API, and the page
    reported two saves (1 s and 3 s); beta (2 projects) set no defaults, one project overrides fixes on.
    The system's defaults: scanning on, fixes off."""
    acme = await make_organization(engine, "acme")
    first, *_ = await make_projects(engine, acme, 4)
    token = await make_token(engine, acme)
    await update_organization_settings(client, token, organizationId=organization_id(acme), fixEnabled=True)
    await update_project_settings(client, token, projectId=project_id(first), changes={"scanEnabled": False})
    for milliseconds in (1000, 3000):
        await record_settings_saved(
            client, token, settingsType="ORGANIZATION", timeToCompleteMilliseconds=milliseconds
        )
    beta = await make_organization(engine, "beta")
    await make_project(engine, beta, "web", overrides={"fix_enabled": True})
    await make_project(engine, beta, "api")


async def report(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, Any]:
    assert await run_cli("report", "adoption", "--json", *arguments) == 0
    reported: dict[str, Any] = json.loads(capsys.readouterr().out)
    return reported


@pytest.mark.usefixtures("launched")
async def test_the_json_report_counts_each_organization_and_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reported = await report(capsys, "--since", SINCE_EVER)

    acme, beta = reported["organizations"]
    assert acme == {
        "organization": "acme",
        "organizations": 1,
        "organizationsWithDefaults": 1,
        "organizationCompletion": 1.0,
        "projects": 4,
        "projectsConfigured": 4,
        "projectCompletion": 1.0,
        "projectsWithScanOn": 3,
        "projectsWithScanOnChange": -1,
        "projectsWithFixOn": 4,
        "projectsWithFixOnChange": 4,
        "saves": 2,
        "medianTimeToConfigureMilliseconds": 2000,
    }
    assert (beta["organizationsWithDefaults"], beta["projectsConfigured"], beta["projectCompletion"]) == (
        0,
        1,
        0.5,
    )
    assert (beta["projectsWithFixOn"], beta["projectsWithFixOnChange"], beta["saves"]) == (1, 0, 0)
    assert beta["medianTimeToConfigureMilliseconds"] is None
    total = reported["total"]
    assert (total["organizations"], total["organizationsWithDefaults"], total["organizationCompletion"]) == (
        2,
        1,
        0.5,
    )
    assert (total["projects"], total["projectsConfigured"]) == (6, 5)
    assert (total["projectsWithScanOn"], total["projectsWithScanOnChange"]) == (5, -1)
    assert (total["projectsWithFixOn"], total["projectsWithFixOnChange"]) == (5, 4)
    assert (total["saves"], total["medianTimeToConfigureMilliseconds"]) == (2, 2000)


@pytest.mark.usefixtures("launched")
async def test_a_period_after_the_changes_shows_no_change_and_no_saves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reported = await report(capsys, "--since", "2999-01-01", "--org", "acme")

    [acme] = reported["organizations"]
    assert (acme["projectsWithScanOn"], acme["projectsWithScanOnChange"]) == (3, 0)
    assert (acme["projectsWithFixOn"], acme["projectsWithFixOnChange"]) == (4, 0)
    assert (acme["saves"], acme["medianTimeToConfigureMilliseconds"]) == (0, None)


@pytest.mark.usefixtures("launched")
async def test_the_table_has_one_header_and_aligned_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_cli("report", "adoption", "--since", SINCE_EVER) == 0

    header, acme, beta, total = capsys.readouterr().out.splitlines()
    assert header.split("  ")[0] == "ORGANIZATION"
    assert "MEDIAN TIME TO CONFIGURE" in header
    assert len({len(line) for line in (header, acme, beta, total)}) <= 2  # right-aligned: "-" ends shorter
    assert acme.split() == [
        "acme",
        "1/1",
        "(100%)",
        "4/4",
        "(100%)",
        "3",
        "(-1)",
        "4",
        "(+4)",
        "2",
        "2.0",
        "s",
    ]
    assert total.split()[:5] == ["total", "1/2", "(50%)", "5/6", "(83%)"]


async def test_an_unknown_organization_is_one_line_and_status_1(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_organization(engine, "acme")

    status = await run_cli("report", "adoption", "--org", "nobody")

    assert status == 1
    assert capsys.readouterr().err == "aisettings: There is no organization 'nobody'.\n"


async def test_a_bad_since_is_one_line_and_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("report", "adoption", "--since", "last tuesday")

    assert status == 1
    error = capsys.readouterr().err
    assert error.startswith("aisettings: --since must be an ISO 8601 date or time")
    assert error.count("\n") == 1
