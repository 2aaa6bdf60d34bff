"""Feature flags, as pure rules: which organizations a flag is on for. No I/O.

An organization is in when the flag is not killed, the organization is not denied, and it is allowed or
its bucket is below the rollout. The bucket is a stable hash of the flag's key and the organization's id
into 10,000 buckets (hundredths of a percent): flags at the same percentage pick different
organizations, and raising a rollout keeps every organization that was in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

BUCKETS = 10_000  # a rollout is in hundredths of a percent


@dataclass(frozen=True)
class Flag:
    key: str
    rollout_basis_points: int  # 0 to BUCKETS: 2550 is 25.5%
    allowed: frozenset[int] = field(default_factory=frozenset)  # organization ids
    denied: frozenset[int] = field(default_factory=frozenset)
    killed: bool = False
    description: str = ""

    @property
    def rollout_percent(self) -> float:
        return self.rollout_basis_points / 100

    def is_on_for(self, organization_id: int) -> bool:
        if self.killed or organization_id in self.denied:
            return False
        in_rollout = bucket(self.key, organization_id) < self.rollout_basis_points
        return organization_id in self.allowed or in_rollout


# The flags the code asks for, as they are until an operator sets them: on for everyone, so that a new
# installation (and the Quick start) shows everything.
KNOWN_FLAGS = {
    "settings-page": Flag("settings-page", BUCKETS, description="The settings page in the browser."),
    "rest-api": Flag("rest-api", BUCKETS, description="The REST API under /api/0/."),
}


def bucket(key: str, organization_id: int) -> int:
    """The organization's bucket for this flag, 0 to BUCKETS - 1, the same on every process and run."""
    digest = hashlib.sha256(f"{key}:{organization_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def basis_points(percent: float) -> int:
    """A rollout given in percent (hundredths kept) as basis points; ValueError outside 0 to 100."""
    if not 0 <= percent <= 100:
        raise ValueError(f"A rollout is a percentage from 0 to 100, not {percent:g}.")
    return round(percent * 100)


def features(flags: dict[str, Flag], organization_id: int) -> list[str]:
    """The keys of the flags on for the organization, sorted: the stored flags over the known ones."""
    return sorted(key for key, flag in {**KNOWN_FLAGS, **flags}.items() if flag.is_on_for(organization_id))
