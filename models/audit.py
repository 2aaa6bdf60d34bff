"""What the audit log records: actions, targets, and per-field changes."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class AuditAction(enum.Enum):
    ORGANIZATION_SETTINGS_UPDATED = "ORGANIZATION_SETTINGS_UPDATED"
    PROJECT_SETTINGS_UPDATED = "PROJECT_SETTINGS_UPDATED"
    PROJECT_SETTINGS_RESET = "PROJECT_SETTINGS_RESET"
    REPOSITORY_ADDED = "REPOSITORY_ADDED"
    REPOSITORY_UPDATED = "REPOSITORY_UPDATED"
    REPOSITORY_REMOVED = "REPOSITORY_REMOVED"


class AuditTarget(enum.Enum):
    ORGANIZATION = "ORGANIZATION"
    PROJECT = "PROJECT"
    REPOSITORY = "REPOSITORY"


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{"field", "before", "after"}] for each field of `after` whose JSON value differs from `before`."""
    return [
        {"field": field, "before": before.get(field), "after": value}
        for field, value in after.items()
        if before.get(field) != value
    ]
