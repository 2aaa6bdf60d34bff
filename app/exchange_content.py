"""What the structure of an import file (app/exchange_format.py) cannot say: duplicates, and repository
names and branch patterns in their provider's format. These checks read the JSON as it is, passing over
whatever has the wrong shape (the structure's problems), so that a file's problems of both kinds are
reported together, in one round."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from pydantic_core import from_json

from aisettings.models.repositories import RepositoryProvider, branch_patterns_errors, repository_name_error

# (JSON path, message)
Problem = tuple[str, str]
JsonObject = dict[str, Any]


def content_problems(raw: bytes) -> list[Problem]:
    """Every duplicate and every name or pattern a provider would refuse, with its JSON path; none for
    text that is not JSON."""
    try:
        data = from_json(raw)
    except ValueError:
        return []
    organizations = _objects(data, "organizations")
    problems = _duplicates("$.organizations", _keys(organizations, "slug"), "organization slug")
    for index, org in organizations:
        problems += _organization_problems(f"$.organizations[{index}]", org)
    return problems


def _organization_problems(path: str, org: JsonObject) -> list[Problem]:
    projects = _objects(org, "projects")
    problems = _duplicates(f"{path}.members", _keys(_objects(org, "members"), "login"), "member")
    problems += _duplicates(f"{path}.projects", _keys(projects, "slug"), "project slug")
    for index, proj in projects:
        problems += _repositories_problems(f"{path}.projects[{index}].repositories", proj)
    return problems


def _repositories_problems(path: str, proj: JsonObject) -> list[Problem]:
    repositories = [
        (index, _provider(repo), _text(repo, "name"), repo) for index, repo in _objects(proj, "repositories")
    ]
    # Compared ignoring case, as providers do: "Acme/Web" is "acme/web".
    keys = [
        (index, f"{provider.value} {name.lower()}" if provider and name is not None else None)
        for index, provider, name, _ in repositories
    ]
    problems = _duplicates(path, keys, "repository (provider and name, ignoring case)")
    for index, provider, name, repo in repositories:
        if provider and name is not None and (error := repository_name_error(provider, name)):
            problems.append((f"{path}[{index}].name", error))
        patterns = repo.get("branchPatterns")
        if isinstance(patterns, list) and all(isinstance(pattern, str) for pattern in patterns):
            for pattern_index, message in branch_patterns_errors(patterns):
                problems.append((f"{path}[{index}].branchPatterns[{pattern_index}]", message))
    return problems


def _duplicates(path: str, keys: Sequence[tuple[int, Hashable | None]], what: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[Hashable] = set()
    for index, key in keys:
        if key is None:
            continue
        if key in seen:
            problems.append((f"{path}[{index}]", f"{what} {key!r} appears more than once"))
        seen.add(key)
    return problems


def _objects(parent: Any, name: str) -> list[tuple[int, JsonObject]]:
    """The objects of the list `parent[name]`, with their indexes."""
    items = parent.get(name) if isinstance(parent, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _keys(objects: list[tuple[int, JsonObject]], name: str) -> list[tuple[int, Hashable | None]]:
    return [(index, _text(item, name)) for index, item in objects]


def _text(item: JsonObject, name: str) -> str | None:
    value = item.get(name)
    return value if isinstance(value, str) else None


def _provider(repo: JsonObject) -> RepositoryProvider | None:
    try:
        return RepositoryProvider(repo.get("provider"))
    except ValueError:
        return None
