"""Reading back what an organization holds through the clients' documents: its tree and its audit log, to
see what a request wrote, or that it wrote nothing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.graphql import document, execute

TREE = document("OrganizationTree")
AUDIT_LOG = document("AuditLog")


PROJECT_ID = """query ProjectId($org: String!, $slug: String!) {
  organization(slug: $org) { project(slug: $slug) { id } }
}"""


async def organization_tree(
    client: httpx.AsyncClient, token: str, slug: str = "acme", **variables: Any
) -> dict[str, Any]:
    """The organization as the OrganizationTree document answers it with `variables`."""
    data = await execute(client, token, TREE, {"slug": slug, **variables})
    organization: dict[str, Any] = data["organization"]
    return organization


async def project_in_tree(client: httpx.AsyncClient, token: str, slug: str) -> dict[str, Any]:
    """acme's project `slug` as the OrganizationTree document answers it."""
    nodes = (await organization_tree(client, token))["projects"]["nodes"]
    found = [node for node in nodes if node["slug"] == slug]
    assert len(found) == 1, found
    return dict(found[0])


async def project_global_id(client: httpx.AsyncClient, token: str, slug: str, org_slug: str = "acme") -> str:
    """The global id of the project `slug` of the organization `org_slug`, as the API answers it."""
    data = await execute(client, token, PROJECT_ID, {"org": org_slug, "slug": slug})
    global_id: str = data["organization"]["project"]["id"]
    return global_id


async def audit_log(client: httpx.AsyncClient, token: str, **variables: Any) -> dict[str, Any]:
    """acme's audit log as the AuditLog document answers it with `variables`."""
    data = await execute(client, token, AUDIT_LOG, {"slug": "acme", **variables})
    log: dict[str, Any] = data["organization"]["auditLog"]
    return log


async def audit_log_nodes(
    client: httpx.AsyncClient, token: str, log_filter: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """acme's audit entries, newest first; only those `log_filter` matches, when it is given."""
    nodes: list[dict[str, Any]] = (await audit_log(client, token, filter=log_filter))["nodes"]
    return nodes


async def stored_state(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """All that a write to acme could change, read back: its whole tree and its audit log."""
    return {
        "tree": await execute(client, token, TREE, {"slug": "acme"}),
        "auditLog": await execute(client, token, AUDIT_LOG, {"slug": "acme"}),
    }


def by_target(entries: list[dict[str, Any]]) -> dict[str, tuple[str, str, str, list[dict[str, Any]]]]:
    """Audit entries as (action, actor, targetType, changes), by the id of their target."""
    return {
        entry["targetId"]: (entry["action"], entry["actor"], entry["targetType"], entry["changes"])
        for entry in entries
    }
