"""The documents the benchmarks send: the product's own, from queries/."""

from __future__ import annotations

from pathlib import Path

QUERIES = Path(__file__).resolve().parent.parent / "queries"
TREE = (QUERIES / "OrganizationTree.graphql").read_text()
BULK = (QUERIES / "BulkUpdateProjectSettings.graphql").read_text()
SINGLE = (QUERIES / "UpdateProjectSettings.graphql").read_text()
UPDATE_ORGANIZATION = (QUERIES / "UpdateOrganizationSettings.graphql").read_text()
# The first project after the bulk's page.
OUTSIDE = (
    "query Outside($slug: String!, $after: String) "
    "{ organization(slug: $slug) { projects(first: 1, after: $after) { nodes { id } } } }"
)
# Projects in a page of the tree, and in the bulk update.
PAGE = 1000
