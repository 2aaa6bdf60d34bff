"""/api/0/organizations/{org}/ai-projects/: the projects that override a setting, by slug, paginated the
Sentry way (per_page, cursor, a Link header with rel="previous" and rel="next")."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_project
from tests.rest import PROJECTS_WITH_OVERRIDES, call, given_acme

LINK = re.compile(r'<([^>]*)>; rel="(\w+)"; results="(true|false)"; cursor="([^"]*)"')


def links(response: httpx.Response) -> dict[str, tuple[str, bool, str]]:
    """rel -> (url, results, cursor) of the Link header."""
    found = LINK.findall(response.headers["link"])
    return {rel: (url, results == "true", cursor) for url, rel, results, cursor in found}


async def test_only_the_projects_with_overrides_are_listed_by_slug(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, overrides={"fix_enabled": True})
    await make_project(engine, acme.org, "api", overrides={"scan_enabled": False})
    await make_project(engine, acme.org, "docs")

    response = await call(client, "GET", PROJECTS_WITH_OVERRIDES, acme.member)

    assert response.status_code == 200
    body = response.json()
    assert [project["slug"] for project in body] == ["api", "web"]
    assert body[1]["fix_enabled_override"] is True
    assert body[1]["effective_settings"]["fix_enabled"]["source"] == "project"
    assert links(response) == {
        "previous": (f"http://testserver{PROJECTS_WITH_OVERRIDES}?&cursor=100:0:1", False, "100:0:1"),
        "next": (f"http://testserver{PROJECTS_WITH_OVERRIDES}?&cursor=100:1:0", False, "100:1:0"),
    }


async def test_the_link_header_leads_from_page_to_page(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, overrides={"fix_enabled": True})
    for slug in ("a", "b", "c", "d"):
        await make_project(engine, acme.org, slug, overrides={"fix_enabled": False})

    first = await call(client, "GET", f"{PROJECTS_WITH_OVERRIDES}?per_page=2", acme.member)
    second = await call(client, "GET", links(first)["next"][0], acme.member)
    third = await call(client, "GET", links(second)["next"][0], acme.member)
    back = await call(client, "GET", links(third)["previous"][0], acme.member)

    assert [[p["slug"] for p in page.json()] for page in (first, second, third, back)] == [
        ["a", "b"],
        ["c", "d"],
        ["web"],
        ["c", "d"],
    ]
    assert [links(page)["next"][1] for page in (first, second, third)] == [True, True, False]
    assert [links(page)["previous"][1] for page in (first, second, third)] == [False, True, True]
    assert "per_page=2" in links(first)["next"][0]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("per_page=101", "Invalid per_page parameter. Max allowed value is 100."),
        ("per_page=zero", "Invalid per_page parameter."),
        ("per_page=0", "Invalid per_page parameter."),
        ("cursor=abc", "Invalid cursor parameter."),
        ("cursor=100:-1:0", "Invalid cursor parameter."),
        ("cursor=100:99999999999:0", "Invalid cursor parameter."),
        ("cursor=100:0:2", "Invalid cursor parameter."),
        ("per_page=" + "9" * 5000, "Invalid per_page parameter."),
        ("cursor=100:" + "9" * 5000 + ":0", "Invalid cursor parameter."),
    ],
)
async def test_a_bad_page_size_or_cursor_is_a_400(
    client: httpx.AsyncClient, engine: AsyncEngine, query: str, detail: str
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "GET", f"{PROJECTS_WITH_OVERRIDES}?{query}", acme.member)

    assert (response.status_code, response.json()) == (400, {"detail": detail})
