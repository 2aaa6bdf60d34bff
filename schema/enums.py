"""The GraphQL enums."""

from __future__ import annotations

import enum

import strawberry

from aisettings.models.audit import AuditAction
from aisettings.models.repositories import RepositoryProvider, RepositoryStatus
from aisettings.models.settings import SETTINGS, SettingSource, StoppingPoint
from aisettings.resolvers.projects import ProjectOrderField

__all__ = [
    "AuditAction",
    "OrderDirection",
    "ProjectOrderField",
    "RepositoryProvider",
    "RepositoryStatus",
    "SettingName",
    "SettingSource",
    "StoppingPoint",
]

# Generated from the registry, so that a new setting appears here by itself. Values are registry names.


def _setting_name_enum() -> type[enum.Enum]:
    members = {setting.enum_name: setting.name for setting in SETTINGS}
    # mypy reads the functional Enum API with a computed argument as a member, not as a class.
    return enum.Enum("SettingName", members)  # type: ignore[return-value]


SettingName = strawberry.enum(
    _setting_name_enum(), description="The settings an organization sets and its projects may override."
)

strawberry.enum(StoppingPoint, description="How far an AI fix goes before a human takes over.")
strawberry.enum(SettingSource, description="The level a value in force comes from.")
strawberry.enum(RepositoryProvider, description="Where a repository is hosted.")
strawberry.enum(RepositoryStatus, description="Whether AI runs in a repository, and if not, why.")


strawberry.enum(
    ProjectOrderField, description="The orders of an organization's projects; ties are broken by id."
)


@strawberry.enum(description="Ascending or descending.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


strawberry.enum(AuditAction, description="What an audit entry records.")
