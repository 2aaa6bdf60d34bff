"""Every project's settings as they are in force, with where each comes from, as CSV: one row per
project, a page of 1000 projects at a time (an organization of 10,000 projects is ten requests).

    AISETTINGS_TOKEN=ais_... python examples/export_csv.py --org demo -o demo-settings.csv"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from typing import Any, TextIO

from trusted_client import client, trusted

SETTINGS = ("scanEnabled", "fixEnabled", "stoppingPoint")
COLUMNS = [
    "slug",
    "name",
    *(f"{s}{part}" for s in SETTINGS for part in ("", "Source", "Locked")),
    "overridden",
]


def main(arguments: argparse.Namespace) -> int:
    with open(arguments.output, "w", newline="", encoding="utf-8") if arguments.output else sys.stdout as out:
        count = asyncio.run(export(arguments.url, arguments.org, out))
    print(f"{count} projects written to {arguments.output or 'standard output'}.", file=sys.stderr)
    return 0


async def export(url: str, organization: str, out: TextIO) -> int:
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    count, after = 0, None
    async with client(url) as session:
        while True:
            page = await session.execute(
                trusted("OrganizationTree", "OrganizationTree", slug=organization, first=1000, after=after)
            )
            if page["organization"] is None:
                sys.exit(f"There is no organization {organization!r} that this token may see.")
            projects = page["organization"]["projects"]
            writer.writerows(row(project) for project in projects["nodes"])
            count += len(projects["nodes"])
            print(f"{count}/{projects['totalCount']} projects", file=sys.stderr)
            if not projects["pageInfo"]["hasNextPage"]:
                return count
            after = projects["pageInfo"]["endCursor"]


def row(project: dict[str, Any]) -> dict[str, Any]:
    effective = project["effectiveSettings"]
    values: dict[str, Any] = {"slug": project["slug"], "name": project["name"]}
    for setting in SETTINGS:
        values[setting] = json.dumps(effective[setting]["value"]).strip('"')  # true, false, MERGE
        values[f"{setting}Source"] = effective[setting]["source"]
        values[f"{setting}Locked"] = json.dumps(effective[setting]["locked"])
    values["overridden"] = " ".join(effective["overriddenSettings"])
    return values


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", required=True, help="the organization's slug")
    parser.add_argument("-o", "--output", help="the CSV file (default: standard output)")
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql", help="the server's /graphql")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(parse()))
