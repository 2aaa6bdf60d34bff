"""Running the `aisettings` command line as its console script does."""

from __future__ import annotations

import asyncio

from aisettings.app.cli import main


async def run_cli(*arguments: str) -> int:
    """Runs `aisettings ARGUMENTS` as the console script does, in a thread of its own (it runs its own
    event loop); returns its exit status."""
    try:
        await asyncio.to_thread(main, list(arguments))
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
