"""`aisettings import`: organizations, members, projects, settings, overrides and repositories from JSON.

An idempotent upsert (by slug, login, provider + name) in one write transaction, through the same code
as the mutations: each organization's row is locked first, settings and overrides are applied and
audited (actor "import", one batch id for the whole file) as the API would, and an organization the
import changes in any way has its version bumped (the key of cached answers). Every value is kept as
given, including overrides of settings the organization locks. A field left out keeps the stored
value; nothing in the database is deleted by an import.

An import writes the analytics events of what it changes, as the API would (user_role null: an
operator, no member, made the change): the events are the record consumers count adoption from, and a
configuration an import brought in is a configuration all the same. A dry run writes none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.audit import AuditAction
from aisettings.models.settings import SETTINGS
from aisettings.models.tables import Role, member, organization, project, repository, user_account
from aisettings.resolvers.loaders import projects_with_settings
from aisettings.resolvers.mutations.audit import AuditBatch
from aisettings.resolvers.mutations.repositories import apply_repository_values, insert_repository
from aisettings.resolvers.mutations.settings_changes import (
    apply_organization_settings,
    apply_project_overrides,
)
from aisettings.resolvers.mutations.targets import lock_organization_row
from aisettings.resolvers.mutations.unit_of_work import WriteUnit, write_unit
from aisettings.resolvers.records import (
    OrganizationRecord,
    ProjectRecord,
    organization_settings_values,
    project_record,
    repository_record,
)

from .exchange_content import content_problems
from .exchange_format import ExchangeFile, ImportFileError, OrganizationFile, ProjectFile, parse_exchange_file

__all__ = ["ImportFileError", "ImportReport", "import_file", "read_import_file"]

IMPORT_ACTOR = "import"


@dataclass
class ImportReport:
    """How many objects of each kind the import created, changed, or found as they were (or, for a dry
    run, would create or change)."""

    dry_run: bool = False
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, kind: str, outcome: str | None = None) -> None:
        """One more `outcome` of `kind`; without an outcome, `kind` only takes its place in the report."""
        counter = self.counts.setdefault(kind, Counter())
        if outcome is not None:
            counter[outcome] += 1

    def lines(self) -> list[str]:
        would = "would be " if self.dry_run else ""
        return [
            f"{kind}: {c['created']} {would}created, {c['changed']} {would}changed, "
            f"{c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]


def read_import_file(raw: bytes) -> ExchangeFile:
    """The file, validated whole: every problem, of its structure and of its content, in one
    ImportFileError."""
    content = content_problems(raw)
    try:
        document = parse_exchange_file(raw)
    except ImportFileError as error:
        raise ImportFileError(error.problems + content) from None
    if content:
        raise ImportFileError(content)
    return document


async def import_file(
    engine: AsyncEngine,
    document: ExchangeFile,
    *,
    dry_run: bool = False,
    projects_done: Callable[[int], None] = lambda count: None,
) -> ImportReport:
    """Upserts a file that read_import_file validated, in one transaction, calling `projects_done` with
    the number of projects imported since its last call; with `dry_run`, reports what it would change
    and rolls it all back."""
    report = ImportReport(dry_run)
    async with write_unit(engine, IMPORT_ACTOR, None, dry_run=dry_run) as unit:
        for org in document.organizations:
            await _import_organization(unit, org, report, projects_done)
    return report


async def _import_organization(
    unit: WriteUnit, org: OrganizationFile, report: ImportReport, projects_done: Callable[[int], None]
) -> None:
    report.count("organizations")
    connection = unit.connection
    existing = (
        await connection.execute(
            select(organization.c.id, organization.c.name).where(organization.c.slug == org.slug)
        )
    ).one_or_none()
    renamed = existing is not None and org.name is not None and org.name != existing.name
    if existing is None:
        statement = (
            insert(organization).values(slug=org.slug, name=org.name or org.slug).returning(organization.c.id)
        )
        organization_id = (await connection.execute(statement)).scalar_one()
    else:
        organization_id = existing.id
        if renamed:
            await connection.execute(
                update(organization).where(organization.c.id == organization_id).values(name=org.name)
            )
    record = await lock_organization_row(connection, organization_id)
    assert record is not None
    audit = unit.audit(organization_id)
    if org.settings is not None:
        record = await _import_organization_settings(connection, record, org, audit)
    members_changed = await _import_members(connection, organization_id, org, report)
    projects_changed = await _import_projects(connection, record, org.projects, audit, report, projects_done)
    if renamed or members_changed or projects_changed:
        unit.changed(organization_id)  # writes without an audit entry move the version all the same
    if existing is None:
        report.count("organizations", "created")
    else:
        settings_changed = any(entry["target_type"] == "ORGANIZATION" for entry in audit.entries)
        report.count("organizations", "changed" if renamed or settings_changed else "unchanged")


async def _import_organization_settings(
    connection: AsyncConnection, record: OrganizationRecord, org: OrganizationFile, audit: AuditBatch
) -> OrganizationRecord:
    given = cast(BaseModel, org.settings).model_dump(exclude_unset=True)
    locked = given.pop("lockedSettings", None)
    values = {SETTINGS.by_field_name[name].name: value for name, value in given.items()}
    locks = None if locked is None else frozenset(s.name for s in SETTINGS if s.enum_name in locked)
    return await apply_organization_settings(connection, record, values, locks, audit)


async def _import_members(
    connection: AsyncConnection, organization_id: int, org: OrganizationFile, report: ImportReport
) -> bool:
    """Whether any member was added or changed."""
    changed = False
    for entry in org.members:
        user_id = (
            await connection.execute(select(user_account.c.id).where(user_account.c.login == entry.login))
        ).scalar_one_or_none()
        if user_id is None:
            statement = insert(user_account).values(login=entry.login).returning(user_account.c.id)
            user_id = (await connection.execute(statement)).scalar_one()
        role = Role(entry.role)
        current = (
            await connection.execute(
                select(member.c.role).where(
                    member.c.organization_id == organization_id, member.c.user_id == user_id
                )
            )
        ).scalar_one_or_none()
        if current is None:
            await connection.execute(
                insert(member).values(organization_id=organization_id, user_id=user_id, role=role)
            )
            report.count("members", "created")
            changed = True
        elif current is not role:
            await connection.execute(
                update(member)
                .where(member.c.organization_id == organization_id, member.c.user_id == user_id)
                .values(role=role)
            )
            report.count("members", "changed")
            changed = True
        else:
            report.count("members", "unchanged")
    return changed


async def _import_projects(
    connection: AsyncConnection,
    record: OrganizationRecord,
    projects: list[ProjectFile],
    audit: AuditBatch,
    report: ImportReport,
    projects_done: Callable[[int], None],
) -> bool:
    """Whether any project was created or renamed (changes of its settings and repositories are
    audited)."""
    rows = (
        await connection.execute(projects_with_settings().where(project.c.organization_id == record.id))
    ).all()
    stored = {row.slug: project_record(row, organization_settings_values(row)) for row in rows}
    created_or_renamed = False
    for proj in projects:
        report.count("projects")
        current = stored.get(proj.slug)
        changed = current is None
        if current is None:
            statement = (
                insert(project)
                .values(organization_id=record.id, slug=proj.slug, name=proj.name or proj.slug)
                .returning(*project.c)
            )
            current = project_record((await connection.execute(statement)).one(), record.settings)
        elif proj.name is not None and proj.name != current.name:
            await connection.execute(update(project).where(project.c.id == current.id).values(name=proj.name))
            changed = True
        given = cast(BaseModel, proj.overrides).model_dump(exclude_unset=True)
        overrides = {SETTINGS.by_field_name[name].name: value for name, value in given.items()}
        created_or_renamed |= changed
        (diff,) = await apply_project_overrides(
            connection, record.settings, [current], overrides, audit, AuditAction.PROJECT_SETTINGS_UPDATED
        )
        changed |= diff.changed
        await _import_repositories(connection, current, proj, audit, report)
        outcome = "created" if proj.slug not in stored else "changed" if changed else "unchanged"
        report.count("projects", outcome)
        projects_done(1)
    return created_or_renamed


async def _import_repositories(
    connection: AsyncConnection,
    parent: ProjectRecord,
    proj: ProjectFile,
    audit: AuditBatch,
    report: ImportReport,
) -> None:
    rows = (await connection.execute(select(repository).where(repository.c.project_id == parent.id))).all()
    # Providers treat names case-insensitively, as addRepository does.
    stored = {(row.provider, row.name.lower()): repository_record(row) for row in rows}
    for repo in proj.repositories:
        # A field left out keeps the stored value (a new repository: AI on, the default branch only).
        values = {
            column: value
            for column, value in (("ai_enabled", repo.aiEnabled), ("branch_patterns", repo.branchPatterns))
            if value is not None
        }
        current = stored.get((repo.provider.value, repo.name.lower()))
        if current is None:
            await insert_repository(connection, parent.id, repo.provider, repo.name, values, audit)
            report.count("repositories", "created")
            continue
        before = len(audit.entries)
        await apply_repository_values(connection, [(current, parent)], values, audit)
        report.count("repositories", "changed" if len(audit.entries) > before else "unchanged")
