"""The audit entries of one mutation: collected while it applies its changes, then written in its
transaction with one batch id, together with the bump of the organization's settings_version."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.audit import AuditAction, AuditTarget
from aisettings.models.tables import audit_entry, organization, utc_now
from aisettings.resolvers.records import AuditEntryRecord, audit_entry_record


@dataclass
class AuditBatch:
    organization_id: int
    actor: str
    request_id: str | None
    # One per mutation; an import shares one across its organizations.
    batch_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, action: AuditAction, target: AuditTarget, target_id: int, changes: list[dict[str, Any]]
    ) -> None:
        if changes:
            self._rows.append(
                {
                    "organization_id": self.organization_id,
                    "actor": self.actor,
                    "action": action.value,
                    "target_type": target.value,
                    "target_id": target_id,
                    "changes": changes,
                    "batch_id": self.batch_id,
                    "request_id": self.request_id,
                }
            )

    @property
    def changed_anything(self) -> bool:
        return bool(self._rows)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The entries added so far, as rows of the audit log."""
        return list(self._rows)

    async def write(self, connection: AsyncConnection) -> None:
        """Inserts the entries (one executemany, whatever their number) and bumps the organization's
        settings_version, the key of every cache of its data. Writes nothing when nothing changed."""
        if not self._rows:
            return
        now = utc_now()
        await connection.execute(insert(audit_entry), [{**row, "created_at": now} for row in self._rows])
        await bump_settings_version(connection, self.organization_id)

    async def written(self, connection: AsyncConnection) -> list[AuditEntryRecord]:
        """The entries `write` inserted, read back for payloads that return them."""
        if not self._rows:
            return []
        statement = (
            select(audit_entry)
            .where(
                audit_entry.c.organization_id == self.organization_id, audit_entry.c.batch_id == self.batch_id
            )
            .order_by(audit_entry.c.id)
        )
        return [audit_entry_record(row) for row in (await connection.execute(statement)).all()]


async def bump_settings_version(connection: AsyncConnection, organization_id: int) -> None:
    """+1 to the version of everything the organization holds: caches of its data key on it."""
    await connection.execute(
        update(organization)
        .where(organization.c.id == organization_id)
        .values(settings_version=organization.c.settings_version + 1)
    )
