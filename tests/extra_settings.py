"""Two settings more than the product has, one of each kind of value, and the `aisettings` command line of
a process whose registry holds them: what a developer who adds the two registry entries gets.

The app's tables and GraphQL types are made from the registry as its modules are imported, so such a
process puts the extended registry in place first, before anything of the app is imported (this module
imports nothing that derives from the registry); nothing else differs from the product."""

from __future__ import annotations

import asyncio
import enum
import os
import sys

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column
from sqlalchemy.engine import Connection

from aisettings.models import settings
from aisettings.models.setting_types import BOOLEAN, EnumType
from aisettings.models.settings import SettingDefinition, SettingsRegistry


class TriageDepth(enum.Enum):
    """How much of an issue the AI assistant reads before it triages it."""

    TITLE = "TITLE"
    THREAD = "THREAD"


EXTRA_SETTINGS = (
    SettingDefinition(
        "auto_triage_enabled",
        "Whether the AI assistant triages new issues.",
        BOOLEAN,
        default=False,
        gated_by_repository=True,
    ),
    SettingDefinition(
        "triage_depth",
        "How much of an issue the AI assistant reads before it triages it.",
        EnumType(TriageDepth, {"TITLE": "Its title and description.", "THREAD": "Every comment too."}),
        default=TriageDepth.TITLE,
        gated_by_repository=False,
    ),
)

# `aisettings ...` in a process of its own whose registry holds the extra settings.
CLI = (sys.executable, "-c", "from tests.extra_settings import main; main()")


def main() -> None:
    settings.SETTINGS = SettingsRegistry((*settings.SETTINGS, *EXTRA_SETTINGS))
    from aisettings.app.cli import main as aisettings  # imported once the registry is in place

    aisettings()


def add_extra_setting_columns(connection: Connection) -> None:
    """The migration that comes with the two registry entries: a column for each in organization_settings,
    and one for its override in project."""
    operations = Operations(MigrationContext.configure(connection))
    for setting in EXTRA_SETTINGS:
        column_type = setting.type.column_type(setting.name)
        operations.add_column("organization_settings", Column(setting.name, column_type, nullable=True))
        operations.add_column("project", Column(f"{setting.name}_override", column_type, nullable=True))


async def run_cli(database_url: str, *arguments: str, stdin: bytes = b"") -> tuple[int, str]:
    """`aisettings ARGUMENTS` with the extra settings, on `database_url`: its exit status and output."""
    process = await asyncio.create_subprocess_exec(
        *CLI,
        *arguments,
        env={**os.environ, "DATABASE_URL": database_url},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate(stdin)
    assert process.returncode is not None
    return process.returncode, output.decode()
