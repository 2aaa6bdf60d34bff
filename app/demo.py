"""The demo organization `demo`: varied, deterministic settings, so that every source, lock and status
shows up in GraphiQL, and organizations of any size for benchmarks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.database import write_transaction
from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import (
    Role,
    member,
    organization,
    organization_settings,
    project,
    repository,
    user_account,
    utc_now,
)

DEMO_SLUG = "demo"
DEMO_OWNER = "demo-owner"
DEMO_MEMBERS = {DEMO_OWNER: Role.OWNER, "demo-admin": Role.ADMIN, "demo-member": Role.MEMBER}


class DemoExistsError(RuntimeError):
    pass


async def create_demo_organization(
    engine: AsyncEngine, projects: int = 50, repositories_per_project: int = 3, *, replace: bool = False
) -> int:
    """Creates the demo organization and returns its id. Replacing it keeps what can be kept: the
    organization (its id), its members and their tokens (GraphiQL's and scripts' keep working), and the
    projects whose slugs remain (their ids); their settings and repositories become the demo's again."""
    now = utc_now()
    async with write_transaction(engine) as connection:
        organization_id = (
            await connection.execute(select(organization.c.id).where(organization.c.slug == DEMO_SLUG))
        ).scalar_one_or_none()
        if organization_id is not None and not replace:
            raise DemoExistsError(f"The organization {DEMO_SLUG!r} already exists (use --replace).")
        if organization_id is None:
            organization_id = (
                await connection.execute(
                    insert(organization).values(slug=DEMO_SLUG, name="Demo Inc.").returning(organization.c.id)
                )
            ).scalar_one()
        else:
            # Every answer cached for the organization is out of date (app/response_cache.py).
            await connection.execute(
                update(organization)
                .where(organization.c.id == organization_id)
                .values(name="Demo Inc.", data_version=organization.c.data_version + 1)
            )
        await _reset_settings(connection, organization_id, now)
        await _add_members(connection, organization_id)
        project_ids = await _replace_projects(connection, organization_id, projects, now)
        repositories = [
            _demo_repository(project_id, index, number, now)
            for index, project_id in enumerate(project_ids)
            for number in range(repositories_per_project)
        ]
        if repositories:
            await connection.execute(insert(repository), repositories)
    return int(organization_id)


async def _reset_settings(connection: AsyncConnection, organization_id: int, now: dt.datetime) -> None:
    await connection.execute(
        delete(organization_settings).where(organization_settings.c.organization_id == organization_id)
    )
    await connection.execute(
        insert(organization_settings).values(
            organization_id=organization_id,
            scan_enabled=True,
            fix_enabled=False,
            stopping_point=StoppingPoint.PULL_REQUEST,
            locked_settings=["scan_enabled"],
            updated_at=now,
        )
    )


async def _add_members(connection: AsyncConnection, organization_id: int) -> None:
    """The demo's members with their roles; members added since are kept."""
    for login, role in DEMO_MEMBERS.items():
        user_id = (
            await connection.execute(select(user_account.c.id).where(user_account.c.login == login))
        ).scalar_one_or_none()
        if user_id is None:
            added = insert(user_account).values(login=login).returning(user_account.c.id)
            user_id = (await connection.execute(added)).scalar_one()
        await connection.execute(
            delete(member).where(member.c.organization_id == organization_id, member.c.user_id == user_id)
        )
        await connection.execute(
            insert(member).values(organization_id=organization_id, user_id=user_id, role=role)
        )


async def _replace_projects(
    connection: AsyncConnection, organization_id: int, count: int, now: dt.datetime
) -> list[int]:
    """The ids of the demo's `count` projects, in order: the existing ones by slug (their repositories
    removed), new ones added; other projects of the organization deleted."""
    wanted = [_demo_project(organization_id, index, now) for index in range(count)]
    rows = await connection.execute(
        select(project.c.slug, project.c.id).where(project.c.organization_id == organization_id)
    )
    existing: dict[str, int] = {row.slug: row.id for row in rows}
    kept = {values["slug"]: existing[values["slug"]] for values in wanted if values["slug"] in existing}
    gone = [key for slug, key in existing.items() if slug not in kept]
    for chunk in _chunks(gone):
        await connection.execute(delete(project).where(project.c.id.in_(chunk)))
    for chunk in _chunks(list(kept.values())):
        await connection.execute(delete(repository).where(repository.c.project_id.in_(chunk)))
    if kept:
        await connection.execute(
            update(project)
            .where(project.c.id == bindparam("key"))
            # A new version: a page or script holding the old one gets STALE_VERSION, not a silent overwrite.
            .values(version=project.c.version + 1)
            .values({name: bindparam(f"new_{name}") for name in PROJECT_VALUES}),
            [
                {"key": kept[values["slug"]], **{f"new_{name}": values[name] for name in PROJECT_VALUES}}
                for values in wanted
                if values["slug"] in kept
            ],
        )
    new = [values for values in wanted if values["slug"] not in kept]
    added: list[int] = []
    if new:
        inserted = insert(project).returning(project.c.id, sort_by_parameter_order=True)
        added = list((await connection.execute(inserted, new)).scalars())
    new_ids = iter(added)
    return [kept[values["slug"]] if values["slug"] in kept else next(new_ids) for values in wanted]


def _chunks(keys: list[int], size: int = 5000) -> list[list[int]]:
    """`keys` in lists short enough for one statement's parameters on every database."""
    return [keys[start : start + size] for start in range(0, len(keys), size)]


# What a demo project's row holds besides its organization and slug (an update of a kept one sets these).
PROJECT_VALUES = (
    "name",
    "fix_enabled_override",
    "stopping_point_override",
    "scan_enabled_override",
    "updated_at",
)


def _demo_project(organization_id: int, index: int, now: object) -> dict[str, object]:
    # Every 3rd project fixes, every 5th stops at a suggestion, every 7th merges, every 11th tries to
    # switch scanning off (kept but ignored: the demo organization locks scanning).
    return {
        "organization_id": organization_id,
        "slug": f"project-{index:05d}",
        "name": f"Project {index:05d}",
        "fix_enabled_override": True if index % 3 == 0 else None,
        "stopping_point_override": (
            StoppingPoint.SUGGESTION if index % 5 == 0 else StoppingPoint.MERGE if index % 7 == 0 else None
        ),
        "scan_enabled_override": False if index % 11 == 0 else None,
        "updated_at": now,
    }


def _demo_repository(project_id: int, index: int, number: int, now: object) -> dict[str, object]:
    return {
        "project_id": project_id,
        "provider": ("GITHUB", "GITLAB", "BITBUCKET")[number % 3],
        "name": f"demo/project-{index:05d}-{number}",
        "ai_enabled": (index + number) % 4 != 0,
        "branch_patterns": ["main", "release/*"] if number == 0 else [],
        "last_configured_at": now,
    }
