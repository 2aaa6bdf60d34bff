"""Reads sent to the database's driver directly (models/database.FrequentRead): a read cancelled while it
waits for the database, as a request past its time limit is, gives its connection back to the pool."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import literal, select

from aisettings.models.database import FrequentRead, create_engine
from tests.tcp_proxy import proxy_to

READ = FrequentRead(select(literal(1).label("one")))


async def test_a_driver_read_cancelled_while_it_waits_gives_its_connection_back(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the database is reached through a TCP proxy")
    async with proxy_to(database_url) as proxy:
        # One connection in the pool: a read that kept it would leave the next one waiting for none.
        engine = create_engine(proxy.url(database_url), pool_size=1, max_overflow=0, pool_timeout_seconds=3)
        try:
            await READ.all(engine, {})
            proxy.hold()
            waiting = asyncio.create_task(READ.all(engine, {}))
            await asyncio.sleep(0.2)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError) as cancelled:  # kept: its frames hold what they held
                await waiting
            checked_out = engine.sync_engine.pool.checkedout()  # type: ignore[attr-defined]
            proxy.release()

            rows = await READ.all(engine, {})
        finally:
            await engine.dispose()

    assert cancelled.value is not None
    assert checked_out == 0
    assert [list(row) for row in rows] == [[1]]
