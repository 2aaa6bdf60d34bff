"""The audit entries of one organization's changes in a write: collected while the changes are applied,
then written by the unit of work (unit_of_work.py) in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aisettings.models.audit import AuditAction, AuditTarget

from .events import Event


@dataclass
class AuditBatch:
    organization_id: int
    actor: str
    request_id: str | None
    batch_id: str  # the unit of work's: one per mutation, shared by an import's organizations
    _rows: list[dict[str, Any]] = field(default_factory=list)
    _taken: int = 0
    _events: list[Event] = field(default_factory=list)

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

    def emit(self, *events: Event) -> None:
        """The analytics events of a change (events.py), written with its audit entries."""
        self._events.extend(events)

    def take_events(self) -> list[Event]:
        """The events emitted since the last call, for the unit of work to write."""
        taken, self._events = self._events, []
        return taken

    @property
    def changed_anything(self) -> bool:
        return bool(self._rows)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The entries added so far, as rows of the audit log."""
        return list(self._rows)

    def take(self) -> list[dict[str, Any]]:
        """The entries added since the last call, for the unit of work to write."""
        taken = self._rows[self._taken :]
        self._taken = len(self._rows)
        return taken
