"""The unit of work of every write (the mutations, the import): one transaction, entered once at the top
of the operation, that on a clean exit writes the audit entries and analytics events (events.py) its
changes collected and bumps the version of each organization it changed, then commits, or for a dry run
rolls everything back. Helpers below it get its connection and never commit or roll back; a change is
applied through an audit batch of the unit, so that no write can forget its audit entries, its events or
the version that keys cached answers.

    async with write_unit(engine, actor, request_id, dry_run=dry_run) as unit:
        organization = await lock_organization_of(unit.connection, ...)
        diffs = await apply_project_overrides(unit.connection, ..., unit.audit(organization.id), ...)
    return BulkResult(diffs, unit.batch_id)

An exception (a MutationFailed of the user's errors, or any fault) rolls the whole unit back.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.database import write_transaction
from aisettings.models.tables import audit_entry, organization, utc_now
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import AuditEntryRecord, audit_entry_record

from .audit import AuditBatch
from .events import write_events


class WriteUnit:
    """The connection of one write transaction, the audit batches of the organizations it changes (one
    batch id for all), and the organizations changed without an audit entry."""

    def __init__(
        self, connection: AsyncConnection, actor: str, request_id: str | None, role: str | None
    ) -> None:
        self.connection = connection
        self._actor = actor
        self._role = role  # the actor's role in the organization, for the events; None: an operator
        self._request_id = request_id
        self._batch_id = str(uuid.uuid4())
        self._batches: dict[int, AuditBatch] = {}
        self._changed: set[int] = set()  # organizations whose version is to move
        self._bumped: set[int] = set()
        self._wrote_entries = False
        self.committed = False  # set as the unit ends

    def audit(self, organization_id: int) -> AuditBatch:
        """The batch that collects the audit entries of the organization's changes."""
        batch = self._batches.get(organization_id)
        if batch is None:
            batch = AuditBatch(organization_id, self._actor, self._request_id, self._batch_id)
            self._batches[organization_id] = batch
        return batch

    def changed(self, organization_id: int) -> None:
        """A change that leaves no audit entry (a project added by an import, a name, members) is a
        change of the organization all the same: its version moves as for the others."""
        self._changed.add(organization_id)

    @property
    def batch_id(self) -> str | None:
        """The id of the audit entries the unit committed; None when it committed none (a dry run
        commits nothing)."""
        return self._batch_id if self.committed and self._wrote_entries else None

    async def audit_entries(self) -> list[AuditEntryRecord]:
        """The audit entries written so far, as the log holds them (for payloads that return them)."""
        await self.flush()
        if not self._wrote_entries:
            return []
        statement = (
            select(audit_entry).where(audit_entry.c.batch_id == self._batch_id).order_by(audit_entry.c.id)
        )
        return [audit_entry_record(row) for row in (await self.connection.execute(statement)).all()]

    async def flush(self) -> None:
        """Writes the audit entries and the analytics events collected so far (one executemany each)
        and bumps, once per unit, the version of every organization changed."""
        now = utc_now()
        rows = [row for batch in self._batches.values() for row in batch.take()]
        if rows:
            await self.connection.execute(insert(audit_entry), [{**row, "created_at": now} for row in rows])
            self._wrote_entries = True
            self._changed.update(row["organization_id"] for row in rows)
        events = [(org, event) for org, batch in self._batches.items() for event in batch.take_events()]
        if events:
            await write_events(self.connection, events, self._role, now)
        for organization_id in sorted(self._changed - self._bumped):
            await _bump_data_version(self.connection, organization_id)
            self._bumped.add(organization_id)


async def _bump_data_version(connection: AsyncConnection, organization_id: int) -> None:
    """+1 to the version of everything the organization holds: caches of its data key on it."""
    await connection.execute(
        update(organization)
        .where(organization.c.id == organization_id)
        .values(data_version=organization.c.data_version + 1)
    )


@asynccontextmanager
async def write_unit(
    engine: AsyncEngine,
    actor: str,
    request_id: str | None,
    *,
    role: str | None = None,
    dry_run: bool = False,
) -> AsyncIterator[WriteUnit]:
    """A unit of work of `actor` (whose `role` the events say): committed on a clean exit, or with
    `dry_run` rolled back whole after computing exactly what the real call would (audit entries and
    events included)."""
    async with write_transaction(engine) as connection:
        unit = WriteUnit(connection, actor, request_id, role)
        yield unit
        await unit.flush()
        if dry_run:
            await connection.rollback()
    unit.committed = not dry_run


def mutation_unit(context: Context, *, dry_run: bool = False) -> AbstractAsyncContextManager[WriteUnit]:
    """The unit of work of a mutation: its viewer is the actor, its request id is in the audit log."""
    viewer = context.viewer
    return write_unit(
        context.engine, viewer.login, context.request_id, role=viewer.role.value, dry_run=dry_run
    )
