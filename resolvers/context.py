"""What every resolver of one request shares: the engine, the viewer, the request's loaders and reads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from .loaders import Loaders
from .shared_reads import SharedReads
from .viewer import Viewer


@dataclass
class Context:
    engine: AsyncEngine
    viewer: Viewer
    request_id: str
    loaders: Loaders = field(init=False)
    reads: SharedReads = field(init=False)
    # Set once the operation runs: True for a query (whose answer may be cached), False for a mutation.
    ran_query: bool = field(init=False, default=False)
    # The time (time.monotonic()) past which a query stops completing its answer (schema/deadline.py),
    # and whether it did.
    deadline: float = math.inf
    stopped_at_deadline: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.release()

    def release(self) -> None:
        """Empty loaders and reads: once the answer is complete, what the request loaded is let go.
        graphql-core's executor keeps the context in a reference cycle until the garbage collector's next
        pass, and with it every page the request read (a tree page holds ~14 MB of objects)."""
        self.loaders = Loaders(self.engine, self.viewer)
        self.reads = SharedReads(self.engine)
