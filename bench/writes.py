"""The bulk update of a page of projects against one project's update, timed interleaved."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from aisettings.app.demo import DEMO_SLUG

from .client import BenchClient
from .documents import BULK, OUTSIDE, PAGE, SINGLE, TREE
from .timing import interleaved_medians


@dataclass(frozen=True)
class WritesTiming:
    projects: int
    bulk_seconds: float
    single_seconds: float

    @property
    def ratio(self) -> float:
        return self.bulk_seconds / self.single_seconds

    def __str__(self) -> str:
        return (
            f"bulk update of {self.projects} projects {self.bulk_seconds * 1000:.1f} ms; one project "
            f"{self.single_seconds * 1000:.1f} ms -> {self.ratio:.1f}x"
        )


def time_writes(client: BenchClient, repetitions: int) -> WritesTiming:
    organization = client.post(TREE, {"slug": DEMO_SLUG, "first": PAGE})["organization"]
    ids = [node["id"] for node in organization["projects"]["nodes"]]
    outside = client.post(
        OUTSIDE, {"slug": DEMO_SLUG, "after": organization["projects"]["pageInfo"]["endCursor"]}
    )
    single_id = outside["organization"]["projects"]["nodes"][0]["id"]
    # Each side alternates its own value, so that every call changes every project it targets.
    bulk_values, single_values = (
        itertools.cycle(["MERGE", "SUGGESTION"]),
        itertools.cycle(["MERGE", "SUGGESTION"]),
    )

    def bulk() -> object:
        changes = {"stoppingPoint": next(bulk_values)}
        return client.post(
            BULK, {"input": {"organizationId": organization["id"], "projectIds": ids, "changes": changes}}
        )

    def single() -> object:
        return client.post(
            SINGLE, {"input": {"projectId": single_id, "changes": {"stoppingPoint": next(single_values)}}}
        )

    bulk(), single()
    bulk_seconds, single_seconds = interleaved_medians([bulk, single], repetitions)
    return WritesTiming(len(ids), bulk_seconds, single_seconds)
