"""`aisettings import` and `export`: organizations, members, projects, settings, overrides and repositories
as JSON. Import is an idempotent upsert (by slug, login, provider + name) in one transaction, with audit
entries (actor "import") for every settings change; it keeps every value as given, including overrides
of settings the organization locks. Nothing in the database is deleted by an import."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.audit import AuditAction, AuditTarget, field_changes
from aisettings.models.repositories import (
    RepositoryProvider,
    branch_patterns_errors,
    repository_name_error,
)
from aisettings.models.settings import SETTINGS
from aisettings.models.tables import (
    Role,
    audit_entry,
    member,
    organization,
    organization_settings,
    override_column,
    project,
    repository,
    user_account,
    utc_now,
)

from .exchange_format import (
    ExchangeFile,
    ImportFileError,
    OrganizationFile,
    ProjectFile,
    RepositoryFile,
    parse_exchange_file,
)

IMPORT_ACTOR = "import"


@dataclass
class ImportReport:
    """How many objects of each kind the import created, changed, or found as they were."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['changed']} changed, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]


def _check_semantics(document: ExchangeFile) -> None:
    """What pydantic's structure checks cannot see: duplicates and provider-specific formats."""
    problems: list[tuple[str, str]] = []

    def duplicates(path: str, keys: list[Any], what: str) -> None:
        seen: set[Any] = set()
        for index, key in enumerate(keys):
            if key in seen:
                problems.append((f"{path}[{index}]", f"{what} {key!r} appears more than once"))
            seen.add(key)

    duplicates("$.organizations", [o.slug for o in document.organizations], "organization slug")
    for o_index, org in enumerate(document.organizations):
        org_path = f"$.organizations[{o_index}]"
        duplicates(f"{org_path}.members", [m.login for m in org.members], "member")
        duplicates(f"{org_path}.projects", [p.slug for p in org.projects], "project slug")
        for p_index, proj in enumerate(org.projects):
            project_path = f"{org_path}.projects[{p_index}].repositories"
            duplicates(project_path, [(r.provider, r.name) for r in proj.repositories], "repository")
            for r_index, repo in enumerate(proj.repositories):
                repo_path = f"{project_path}[{r_index}]"
                name_error = repository_name_error(repo.provider, repo.name)
                if name_error is not None:
                    problems.append((f"{repo_path}.name", name_error))
                for pattern_index, message in branch_patterns_errors(repo.branchPatterns or []):
                    suffix = "" if pattern_index is None else f"[{pattern_index}]"
                    problems.append((f"{repo_path}.branchPatterns{suffix}", message))
    if problems:
        raise ImportFileError(problems)


async def import_file(engine: AsyncEngine, raw: bytes) -> ImportReport:
    """Validates the whole file first (ImportFileError, nothing written), then upserts it in one
    transaction."""
    document = parse_exchange_file(raw)
    _check_semantics(document)
    report = ImportReport()
    batch_id = str(uuid.uuid4())
    async with engine.begin() as connection:
        for org in document.organizations:
            await _import_organization(connection, org, batch_id, report)
    return report


async def _audit(
    connection: AsyncConnection,
    organization_id: int,
    batch_id: str,
    action: AuditAction,
    target: AuditTarget,
    target_id: int,
    changes: list[dict[str, Any]],
) -> None:
    await connection.execute(
        insert(audit_entry).values(
            organization_id=organization_id,
            actor=IMPORT_ACTOR,
            action=action.value,
            target_type=target.value,
            target_id=target_id,
            changes=changes,
            batch_id=batch_id,
            created_at=utc_now(),
        )
    )


async def _import_organization(
    connection: AsyncConnection, org: OrganizationFile, batch_id: str, report: ImportReport
) -> None:
    row = (
        await connection.execute(select(organization).where(organization.c.slug == org.slug))
    ).one_or_none()
    changed = False
    if row is None:
        organization_id = (
            await connection.execute(
                insert(organization)
                .values(slug=org.slug, name=org.name or org.slug)
                .returning(organization.c.id)
            )
        ).scalar_one()
        report.count("organizations", "created")
    else:
        organization_id = row.id
        if org.name is not None and org.name != row.name:
            await connection.execute(
                update(organization).where(organization.c.id == organization_id).values(name=org.name)
            )
            changed = True
    if org.settings is not None:
        changed |= await _import_organization_settings(connection, organization_id, org, batch_id)
    if row is not None:
        report.count("organizations", "changed" if changed else "unchanged")
    await _import_members(connection, organization_id, org, report)
    for proj in org.projects:
        changed |= await _import_project(connection, organization_id, proj, batch_id, report)
    if changed:
        await connection.execute(
            update(organization)
            .where(organization.c.id == organization_id)
            .values(settings_version=organization.c.settings_version + 1)
        )


def _stored_settings(row: Any) -> dict[str, Any]:
    """Stored organization settings in the file's JSON form."""
    values: dict[str, Any] = {
        s.field_name: s.serialize(getattr(row, s.name)) if row else None for s in SETTINGS
    }
    locked = row.locked_settings if row else []
    values["lockedSettings"] = [s.enum_name for s in SETTINGS if s.name in locked]
    return values


async def _import_organization_settings(
    connection: AsyncConnection, organization_id: int, org: OrganizationFile, batch_id: str
) -> bool:
    assert org.settings is not None
    row = (
        await connection.execute(
            select(organization_settings).where(organization_settings.c.organization_id == organization_id)
        )
    ).one_or_none()
    before = _stored_settings(row)
    given = org.settings.model_dump(mode="json", exclude_unset=True)
    if "lockedSettings" in given:
        given["lockedSettings"] = [s.enum_name for s in SETTINGS if s.enum_name in given["lockedSettings"]]
    changes = field_changes(before, given)
    if not changes:
        return False
    after = {**before, **given}
    values: dict[str, Any] = {
        s.name: None if after[s.field_name] is None else s.parse(after[s.field_name]) for s in SETTINGS
    }
    values["locked_settings"] = [s.name for s in SETTINGS if s.enum_name in after["lockedSettings"]]
    values["updated_at"] = utc_now()
    if row is None:
        await connection.execute(
            insert(organization_settings).values(organization_id=organization_id, **values)
        )
    else:
        await connection.execute(
            update(organization_settings)
            .where(organization_settings.c.organization_id == organization_id)
            .values(**values, version=organization_settings.c.version + 1)
        )
    if changes:
        await _audit(
            connection,
            organization_id,
            batch_id,
            AuditAction.ORGANIZATION_SETTINGS_UPDATED,
            AuditTarget.ORGANIZATION,
            organization_id,
            changes,
        )
    return bool(changes)


async def _import_members(
    connection: AsyncConnection, organization_id: int, org: OrganizationFile, report: ImportReport
) -> None:
    for entry in org.members:
        user_id = (
            await connection.execute(select(user_account.c.id).where(user_account.c.login == entry.login))
        ).scalar_one_or_none()
        if user_id is None:
            user_id = (
                await connection.execute(
                    insert(user_account).values(login=entry.login).returning(user_account.c.id)
                )
            ).scalar_one()
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
        elif current is not role:
            await connection.execute(
                update(member)
                .where(member.c.organization_id == organization_id, member.c.user_id == user_id)
                .values(role=role)
            )
            report.count("members", "changed")
        else:
            report.count("members", "unchanged")


async def _import_project(
    connection: AsyncConnection, organization_id: int, proj: ProjectFile, batch_id: str, report: ImportReport
) -> bool:
    row = (
        await connection.execute(
            select(project).where(project.c.organization_id == organization_id, project.c.slug == proj.slug)
        )
    ).one_or_none()
    before = {s.field_name: s.serialize(getattr(row, override_column(s))) if row else None for s in SETTINGS}
    given = cast(BaseModel, proj.overrides).model_dump(mode="json", exclude_unset=True)
    changes = field_changes(before, given)
    overrides = {
        override_column(s): None if value is None else s.parse(value)
        for s in SETTINGS
        if s.field_name in given
        for value in [given[s.field_name]]
    }
    now = utc_now()
    if row is None:
        project_id = (
            await connection.execute(
                insert(project)
                .values(
                    organization_id=organization_id, slug=proj.slug, name=proj.name or proj.slug, **overrides
                )
                .returning(project.c.id)
            )
        ).scalar_one()
        report.count("projects", "created")
        changed = True
    else:
        project_id = row.id
        renamed = proj.name is not None and proj.name != row.name
        changed = renamed or bool(changes)
        if changed:
            await connection.execute(
                update(project)
                .where(project.c.id == project_id)
                .values(
                    name=proj.name or row.name, **overrides, updated_at=now, version=project.c.version + 1
                )
            )
        report.count("projects", "changed" if changed else "unchanged")
    if changes:
        await _audit(
            connection,
            organization_id,
            batch_id,
            AuditAction.PROJECT_SETTINGS_UPDATED,
            AuditTarget.PROJECT,
            project_id,
            changes,
        )
    for repo in proj.repositories:
        changed |= await _import_repository(connection, organization_id, project_id, repo, batch_id, report)
    return changed


async def _import_repository(
    connection: AsyncConnection,
    organization_id: int,
    project_id: int,
    repo: RepositoryFile,
    batch_id: str,
    report: ImportReport,
) -> bool:
    row = (
        await connection.execute(
            select(repository).where(
                repository.c.project_id == project_id,
                repository.c.provider == repo.provider.value,
                repository.c.name == repo.name,
            )
        )
    ).one_or_none()
    # A field left out keeps the stored value (a new repository: AI on, the default branch only).
    before = {"aiEnabled": row.ai_enabled, "branchPatterns": list(row.branch_patterns)} if row else {}
    after = {
        "aiEnabled": repo.aiEnabled if repo.aiEnabled is not None else before.get("aiEnabled", True),
        "branchPatterns": repo.branchPatterns
        if repo.branchPatterns is not None
        else before.get("branchPatterns", []),
    }
    changes = field_changes(before, after)
    if row is not None and not changes:
        report.count("repositories", "unchanged")
        return False
    values = {
        "ai_enabled": after["aiEnabled"],
        "branch_patterns": after["branchPatterns"],
        "last_configured_at": utc_now(),
    }
    if row is None:
        repository_id = (
            await connection.execute(
                insert(repository)
                .values(project_id=project_id, provider=repo.provider.value, name=repo.name, **values)
                .returning(repository.c.id)
            )
        ).scalar_one()
        action = AuditAction.REPOSITORY_ADDED
        changes = [{"field": "name", "before": None, "after": repo.name}, *changes]
        report.count("repositories", "created")
    else:
        repository_id = row.id
        await connection.execute(update(repository).where(repository.c.id == repository_id).values(**values))
        action = AuditAction.REPOSITORY_UPDATED
        report.count("repositories", "changed")
    await _audit(
        connection, organization_id, batch_id, action, AuditTarget.REPOSITORY, repository_id, changes
    )
    return True


async def export_organizations(engine: AsyncEngine, slug: str | None = None) -> dict[str, Any]:
    """Every organization (or the one with `slug`) in the import format: importing the export into the
    same database changes nothing."""
    async with engine.connect() as connection:
        orgs_query = select(organization).order_by(organization.c.slug)
        if slug is not None:
            orgs_query = orgs_query.where(organization.c.slug == slug)
        exported = []
        for org in (await connection.execute(orgs_query)).all():
            exported.append(await _export_organization(connection, org))
    return {"organizations": exported}


async def _export_organization(connection: AsyncConnection, org: Any) -> dict[str, Any]:
    settings_row = (
        await connection.execute(
            select(organization_settings).where(organization_settings.c.organization_id == org.id)
        )
    ).one_or_none()
    settings = {key: value for key, value in _stored_settings(settings_row).items() if value is not None}
    members = (
        await connection.execute(
            select(user_account.c.login, member.c.role)
            .join(member, member.c.user_id == user_account.c.id)
            .where(member.c.organization_id == org.id)
            .order_by(user_account.c.login)
        )
    ).all()
    projects = (
        await connection.execute(
            select(project).where(project.c.organization_id == org.id).order_by(project.c.slug)
        )
    ).all()
    repositories = (
        await connection.execute(
            select(repository)
            .join(project, project.c.id == repository.c.project_id)
            .where(project.c.organization_id == org.id)
            .order_by(repository.c.project_id, repository.c.provider, repository.c.name)
        )
    ).all()
    repositories_by_project: dict[int, list[dict[str, Any]]] = {}
    for repo in repositories:
        repositories_by_project.setdefault(repo.project_id, []).append(
            {
                "provider": RepositoryProvider(repo.provider).value,
                "name": repo.name,
                "aiEnabled": repo.ai_enabled,
                "branchPatterns": list(repo.branch_patterns),
            }
        )
    return {
        "slug": org.slug,
        "name": org.name,
        "settings": settings,
        "members": [{"login": m.login, "role": m.role.value} for m in members],
        "projects": [
            {
                "slug": p.slug,
                "name": p.name,
                "overrides": {
                    s.field_name: s.serialize(getattr(p, override_column(s)))
                    for s in SETTINGS
                    if getattr(p, override_column(s)) is not None
                },
                "repositories": repositories_by_project.get(p.id, []),
            }
            for p in projects
        ],
    }
