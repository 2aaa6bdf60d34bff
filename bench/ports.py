"""Free TCP ports for the servers a benchmark starts."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port the system hands out, so that parallel runs never share one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
