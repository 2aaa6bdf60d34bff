"""Prints the schemathesis configuration of .ci/fuzz for the server at URL (with the demo owner's TOKEN):
for the GraphQL schema, or with --rest for the REST API's OpenAPI document.

Random ids name nothing, and a mutation stops at NOT_FOUND before it validates the rest of its input. So
the configuration binds dictionaries of the demo organization's real ids, and of valid names and branch
patterns, to the arguments that take them: most generated mutations reach their validation and some
write. The rest stay random, for the paths of malformed and unknown ids.

Usage: python .ci/fuzz_config.py URL TOKEN [--rest] > schemathesis.toml
"""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any

DEMO_IDS = """{
  organization(slug: "demo") {
    id
    projects(first: 10) {
      nodes { id databaseId slug repositories(first: 2) { nodes { id databaseId name } } }
    }
  }
}"""

# (argument, dictionary): `Type.field.argument`, `*` for any field, `[*]` for each item of a list.
BINDINGS = [
    ("Mutation.*.input.organizationId", "organization_ids"),
    ("Mutation.*.input.projectId", "project_ids"),
    ("Mutation.*.input.projectIds[*]", "project_ids"),
    ("Mutation.*.input.repositoryId", "repository_ids"),
    ("Mutation.*.input.repositoryIds[*]", "repository_ids"),
    ("Mutation.*.input.name", "repository_names"),
    ("Mutation.*.input.branchPatterns[*]", "branch_patterns"),
    ("Mutation.*.input.filter.slugs[*]", "project_slugs"),
    ("Query.node.id", "node_ids"),
    ("Query.nodes.ids[*]", "node_ids"),
    ("Query.organization.slug", "organization_slugs"),
    ("Organization.project.slug", "project_slugs"),
    ("Organization.projects.filter.slugs[*]", "project_slugs"),
]
# The same for the REST API's paths and bodies (`location.name`, `[*]` for each item of a list).
REST_BINDINGS = [
    ("path.organization", "organization_slugs"),
    ("path.project", "project_slugs"),
    ("path.repository", "repository_database_ids"),
    ("body.project_ids[*]", "project_database_ids"),
    ("body.name", "repository_names"),
    ("body.branch_patterns[*]", "branch_patterns"),
]
# How often a bound argument takes a dictionary's value rather than a generated one.
PROBABILITY = 0.7


def demo_organization(url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": DEMO_IDS}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        organization: dict[str, Any] = json.load(response)["data"]["organization"]
    return organization


def dictionaries(organization: dict[str, Any]) -> dict[str, list[str]]:
    projects = organization["projects"]["nodes"]
    repositories = [repository for project in projects for repository in project["repositories"]["nodes"]]
    repository_ids = [repository["id"] for repository in repositories]
    project_ids = [project["id"] for project in projects]
    return {
        "organization_ids": [organization["id"]],
        "project_ids": project_ids,
        "repository_ids": repository_ids,
        "node_ids": [organization["id"], *project_ids[:3], *repository_ids[:3]],
        "organization_slugs": ["demo"],
        "project_slugs": [project["slug"] for project in projects],
        # New names, an existing one and the same in other case (DUPLICATE), a GitLab subgroup.
        "repository_names": ["demo/fuzzed", "group/subgroup/fuzzed", repositories[0]["name"].upper()],
        "branch_patterns": ["main", "release/*", "feature/**", "v[0-9]*", "hotfix-?"],
        "project_database_ids": [project["databaseId"] for project in projects],
        "repository_database_ids": [repository["databaseId"] for repository in repositories],
    }


def toml(values: dict[str, list[str]], bindings: list[tuple[str, str]]) -> str:
    """The configuration; JSON's strings are TOML's basic strings for the ASCII text of ids and names."""
    lines = ["[generation]", "database = 'none'", ""]
    for name, entries in values.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(entries)}", ""]
    lines.append("[parameters]")
    lines += [
        f'"{argument}" = {{ dictionary = "{name}", probability = {PROBABILITY} }}'
        for argument, name in bindings
    ]
    return "\n".join(lines) + "\n"


def main(url: str, token: str, *options: str) -> None:
    bindings = REST_BINDINGS if "--rest" in options else BINDINGS
    print(toml(dictionaries(demo_organization(url, token)), bindings), end="")


if __name__ == "__main__":
    main(*sys.argv[1:])
