"""The demo organization `demo`: varied, deterministic settings, so that every source, lock and status
shows up in GraphiQL, and organizations of any size for benchmarks."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

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
    """Creates the demo organization (replacing it if asked) and returns its id."""
    now = utc_now()
    async with write_transaction(engine) as connection:
        existing = (
            await connection.execute(select(organization.c.id).where(organization.c.slug == DEMO_SLUG))
        ).scalar_one_or_none()
        if existing is not None and not replace:
            raise DemoExistsError(f"The organization {DEMO_SLUG!r} already exists (use --replace).")
        if existing is not None:
            await connection.execute(delete(organization).where(organization.c.id == existing))
        organization_id = (
            await connection.execute(
                insert(organization).values(slug=DEMO_SLUG, name="Demo Inc.").returning(organization.c.id)
            )
        ).scalar_one()
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
        for login, role in DEMO_MEMBERS.items():
            user_id = (
                await connection.execute(select(user_account.c.id).where(user_account.c.login == login))
            ).scalar_one_or_none()
            if user_id is None:
                user_id = (
                    await connection.execute(
                        insert(user_account).values(login=login).returning(user_account.c.id)
                    )
                ).scalar_one()
            await connection.execute(
                insert(member).values(organization_id=organization_id, user_id=user_id, role=role)
            )
        if projects:
            project_ids = (
                (
                    await connection.execute(
                        insert(project).returning(project.c.id, sort_by_parameter_order=True),
                        [_demo_project(organization_id, index, now) for index in range(projects)],
                    )
                )
                .scalars()
                .all()
            )
            repositories = [
                _demo_repository(project_id, index, number, now)
                for index, project_id in enumerate(project_ids)
                for number in range(repositories_per_project)
            ]
            if repositories:
                await connection.execute(insert(repository), repositories)
    return int(organization_id)


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
