"""Inputs for every mutation that Hypothesis makes up around a world of real objects: ids real and made up,
of every type and of another organization, any text for names and branch patterns, any setting values,
versions and flags. Most of each input is well-formed, so that examples get past the first check to the
validation of the fields after it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import MAX_PRIMARY_KEY, Role
from aisettings.resolvers.global_ids import NODE_TYPES, encode_global_id
from tests.factories import make_organization, make_project, make_repository, make_token

SETTING_NAMES = ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"]
STOPPING_POINTS = ["SUGGESTION", "PULL_REQUEST", "MERGE"]
PROVIDERS = ["GITHUB", "GITLAB", "BITBUCKET"]
_organizations = itertools.count()
T = TypeVar("T")


@dataclass(frozen=True)
class World:
    """An organization with two projects and three repositories (one setting locked, some overridden),
    another organization with one of each, and a token of the first in `role`: the global ids by type."""

    token: str
    organization_ids: list[str]
    project_ids: list[str]
    repository_ids: list[str]
    project_slugs: list[str]
    repository_names: list[str]


async def make_world(engine: AsyncEngine, role: Role) -> World:
    """A world of its own: Hypothesis runs all examples of a test in one use of its fixtures, and the
    tables are emptied only after the test."""
    number = next(_organizations)
    org = await make_organization(
        engine, f"org{number}", settings={"fix_enabled": True}, locked=["stopping_point"]
    )
    web = await make_project(
        engine, org, "web", overrides={"scan_enabled": False, "stopping_point": StoppingPoint.MERGE}
    )
    api = await make_project(engine, org, "api")
    repositories = [
        await make_repository(engine, web, f"org{number}/web", branch_patterns=["main"]),
        await make_repository(engine, web, f"org{number}/web-docs", provider="GITLAB", ai_enabled=False),
        await make_repository(engine, api, f"org{number}/api"),
    ]
    other = await make_organization(engine, f"other{number}")
    secret = await make_project(engine, other, "secret")
    hidden = await make_repository(engine, secret, f"other{number}/secret")
    return World(
        token=await make_token(engine, org, f"user{number}", role),
        organization_ids=[encode_global_id("Organization", key) for key in (org.id, other.id)],
        project_ids=[encode_global_id("Project", key) for key in (web, api, secret)],
        repository_ids=[encode_global_id("Repository", key) for key in (*repositories, hidden)],
        project_slugs=["web", "api", "secret"],
        repository_names=[f"org{number}/web", f"org{number}/web-docs", f"org{number}/api"],
    )


def made_up_ids() -> st.SearchStrategy[str]:
    """Ids that may name nothing: any text, or a well-formed id of any type and number."""
    return st.text(max_size=30) | st.builds(
        encode_global_id,
        st.sampled_from([*NODE_TYPES, "User"]),
        st.integers(min_value=-1, max_value=MAX_PRIMARY_KEY + 1),
    )


def mostly(usual: st.SearchStrategy[T], rarely: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`usual` nine times in ten (and when shrinking), `rarely` else: an input fails at its first fault, so
    most examples keep the rest well-formed to reach the validation of the fields after it."""
    return st.integers(min_value=0, max_value=9).flatmap(lambda draw: rarely if draw == 9 else usual)


def ids(world: World, real: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of the `real` ids; else an id of another type or organization, or a made-up one."""
    every_id = world.organization_ids + world.project_ids + world.repository_ids
    return mostly(st.sampled_from(real), st.sampled_from(every_id) | made_up_ids())


def some(values: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of `values`; else any text (which GraphQL rejects for an enum)."""
    return mostly(st.sampled_from(values), st.text(max_size=12))


def nullable(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """null as often as a value: for fields where null means something (inherit, no check)."""
    return st.none() | strategy


def rarely_null(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """For fields where null is INVALID_VALUE."""
    return mostly(strategy, st.none())


def branch_patterns() -> st.SearchStrategy[list[str]]:
    glob_text = st.text(alphabet="ab/*?[]!.-_@{}~^: \\", max_size=12)
    return st.lists(st.sampled_from(["main", "release/*", "v[0-9]*"]) | glob_text | st.text(), max_size=55)


def repository_names(world: World) -> st.SearchStrategy[str]:
    """Names that are taken (in any case), well-formed, or anything."""
    taken = st.sampled_from(world.repository_names).flatmap(
        lambda name: st.sampled_from([name, name.upper()])
    )
    well_formed = st.from_regex(
        r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}(/[A-Za-z0-9._-]{1,12}){1,2}", fullmatch=True
    )
    return st.one_of(taken, well_formed, st.text(alphabet="aZ09/._-", max_size=20), st.text(max_size=260))


def versions() -> st.SearchStrategy[int]:
    """Mostly a version the objects may have; else any integer, which GraphQL's Int may refuse."""
    return mostly(st.integers(min_value=-1, max_value=4), st.integers())


def client_mutation_ids() -> st.SearchStrategy[str | None]:
    return nullable(st.text(max_size=20))


def changes() -> st.SearchStrategy[dict[str, Any]]:
    """Settings changes: left out, null, or a value (or a value of the wrong type)."""
    return st.fixed_dictionaries(
        {},
        optional={
            "scanEnabled": nullable(st.booleans()),
            "fixEnabled": nullable(mostly(st.booleans(), st.integers())),
            "stoppingPoint": nullable(some(STOPPING_POINTS)),
        },
    )


def project_filters(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "hasOverrides": nullable(st.booleans()),
            "overrides": nullable(st.lists(some(SETTING_NAMES), max_size=4)),
            "search": nullable(st.text(max_size=20)),
            "slugs": nullable(
                st.lists(st.sampled_from(world.project_slugs) | st.text(max_size=10), max_size=4)
            ),
        },
    )


def roles() -> st.SearchStrategy[Role]:
    """Mostly the owner, who may write everything, so that inputs reach their validation."""
    return mostly(st.just(Role.OWNER), st.sampled_from([Role.ADMIN, Role.MEMBER]))


def merged(*parts: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """One dictionary of the fields of each of `parts`."""
    return st.tuples(*parts).map(lambda dicts: {key: value for part in dicts for key, value in part.items()})


def organization_changes() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "scanEnabled": rarely_null(st.booleans()),
            "fixEnabled": rarely_null(st.booleans()),
            "stoppingPoint": rarely_null(some(STOPPING_POINTS)),
            "lockedSettings": rarely_null(st.lists(some(SETTING_NAMES), max_size=5)),
            "expectedVersion": nullable(versions()),
        },
    )


def organization_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return merged(
        st.fixed_dictionaries(
            {"organizationId": ids(world, world.organization_ids[:1])},
            optional={"clientMutationId": client_mutation_ids()},
        ),
        organization_changes(),
    )


def project_changes(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"projectId": ids(world, world.project_ids[:2]), "changes": changes()},
        optional={"expectedVersion": nullable(versions())},
    )


def project_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return merged(
        project_changes(world),
        st.fixed_dictionaries({}, optional={"clientMutationId": client_mutation_ids()}),
    )


def save_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """Parts left out, null or given; projects often twice (DUPLICATE)."""
    return st.fixed_dictionaries(
        {"organizationId": ids(world, world.organization_ids[:1])},
        optional={
            "organization": nullable(organization_changes()),
            "projects": nullable(st.lists(project_changes(world), max_size=4)),
            "clientMutationId": client_mutation_ids(),
        },
    )


def project_ids(world: World) -> st.SearchStrategy[list[str]]:
    return st.lists(ids(world, world.project_ids[:2]), max_size=4)


def bulk_project_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly projectIds or a filter, as required; else both, neither, or nulls (CONFLICTING_INPUT)."""
    targets = mostly(
        st.fixed_dictionaries({"projectIds": project_ids(world)})
        | st.fixed_dictionaries({"filter": project_filters(world)}),
        st.fixed_dictionaries(
            {},
            optional={"projectIds": nullable(project_ids(world)), "filter": nullable(project_filters(world))},
        ),
    )
    rest = st.fixed_dictionaries(
        {"organizationId": ids(world, world.organization_ids[:1]), "changes": changes()},
        optional={"dryRun": nullable(st.booleans()), "clientMutationId": client_mutation_ids()},
    )
    return merged(targets, rest)


def reset_project_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"projectIds": project_ids(world)},
        optional={
            "settings": nullable(st.lists(some(SETTING_NAMES), max_size=4)),
            "dryRun": nullable(st.booleans()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def stopping_point_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"organizationId": ids(world, world.organization_ids[:1])},
        optional={
            "organizationStoppingPoint": nullable(some(STOPPING_POINTS)),
            "projectIds": nullable(project_ids(world)),
            "projectStoppingPoint": nullable(some(STOPPING_POINTS)),
            "clientMutationId": client_mutation_ids(),
        },
    )


def add_repository_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "projectId": ids(world, world.project_ids[:2]),
            "provider": some(PROVIDERS),
            "name": repository_names(world),
        },
        optional={
            "aiEnabled": rarely_null(st.booleans()),
            "branchPatterns": rarely_null(branch_patterns()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def update_repository_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"repositoryId": ids(world, world.repository_ids[:3])},
        optional={
            "aiEnabled": rarely_null(st.booleans()),
            "branchPatterns": rarely_null(branch_patterns()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def remove_repository_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"repositoryId": ids(world, world.repository_ids[:3])},
        optional={"clientMutationId": client_mutation_ids()},
    )


def bulk_repositories_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"repositoryIds": st.lists(ids(world, world.repository_ids[:3]), max_size=4)},
        optional={
            "aiEnabled": rarely_null(st.booleans()),
            "branchPatterns": rarely_null(branch_patterns()),
            "clientMutationId": client_mutation_ids(),
        },
    )
