"""Change one setting of many projects at once, the careful way: show what the change would do (the
dry run's blast radius), ask, apply it in one transaction, then print its audit entries.

    AISETTINGS_TOKEN=ais_... python examples/bulk_change.py --org demo --search project-001 fixEnabled=true
    ... --custom-only stoppingPoint=inherit --yes

A setting is scanEnabled, fixEnabled (true or false) or stoppingPoint (SUGGESTION, PULL_REQUEST or
MERGE); `inherit` removes the projects' overrides of it."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from gql.client import AsyncClientSession
from trusted_client import client, trusted

VALUES: dict[str, Any] = {"true": True, "false": False, "inherit": None}


async def main(arguments: argparse.Namespace) -> int:
    setting, _, text = arguments.change.partition("=")
    changes = {setting: VALUES.get(text, text)}
    async with client(arguments.url) as session:
        organization = await session.execute(
            trusted("SettingsPage", "SettingsPageOrganization", slug=arguments.org)
        )
        if organization["organization"] is None:
            sys.exit(f"There is no organization {arguments.org!r} that this token may see.")
        target = {
            "organizationId": organization["organization"]["id"],
            "filter": {"search": arguments.search, "hasOverrides": True if arguments.custom_only else None},
            "changes": changes,
        }
        preview = await bulk_update(session, {**target, "dryRun": True})
        print(f"{preview['affectedCount']} projects would change:")
        for diff in preview["diffs"]:
            print(f"  {diff['project']['slug']}: {', '.join(diff['changedSettings'])}")
        if preview["affectedCount"] == 0:
            return 0
        question = f"Apply to {preview['affectedCount']} projects? [y/N] "
        if not arguments.yes and (await asyncio.to_thread(input, question)).strip().lower() != "y":
            print("Nothing changed.")
            return 1
        applied = await bulk_update(session, target)
        slugs = {diff["project"]["id"]: diff["project"]["slug"] for diff in applied["diffs"]}
        batch = applied["batchId"]
        print(f"Changed {applied['affectedCount']} projects in one transaction, audit batch {batch}:")
        log = await session.execute(
            trusted("AuditLog", "AuditLog", slug=arguments.org, first=500, filter={"batchId": batch})
        )
        for entry in log["organization"]["auditLog"]["nodes"]:
            changed = "; ".join(
                f"{c['field']} {json.dumps(c['before'])} -> {json.dumps(c['after'])}"
                for c in entry["changes"]
            )
            print(f"  {entry['createdAt']} {entry['actor']}: {slugs.get(entry['targetId'])}: {changed}")
    return 0


async def bulk_update(session: AsyncClientSession, input: dict[str, Any]) -> dict[str, Any]:
    answer = await session.execute(
        trusted("BulkUpdateProjectSettings", "BulkUpdateProjectSettings", input=input)
    )
    payload: dict[str, Any] = answer["bulkUpdateProjectSettings"]
    for error in payload["userErrors"]:
        sys.exit(f"Refused, nothing changed: {'.'.join(error['field'] or [])}: {error['message']}")
    return payload


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("change", metavar="SETTING=VALUE", help="e.g. fixEnabled=true, stoppingPoint=inherit")
    parser.add_argument("--org", required=True, help="the organization's slug")
    parser.add_argument("--search", help="only projects whose slug or name holds this text")
    parser.add_argument("--custom-only", action="store_true", help="only projects that override something")
    parser.add_argument("--yes", action="store_true", help="apply without asking")
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql", help="the server's /graphql")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
