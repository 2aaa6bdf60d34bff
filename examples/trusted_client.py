"""What both example scripts share: a gql client of an aisettings server, and the documents of queries/
sent as trusted documents (their text and, as Apollo's persisted-query extension, their SHA-256), so
that the scripts run against a server that accepts trusted documents only."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport

QUERIES = Path(__file__).resolve().parent.parent / "queries"


def client(url: str) -> Client:
    """A client sending the API token of AISETTINGS_TOKEN."""
    token = os.environ.get("AISETTINGS_TOKEN")
    if not token:
        sys.exit("Set AISETTINGS_TOKEN to an API token (`aisettings token create --org SLUG --user LOGIN`).")
    transport = HTTPXAsyncTransport(url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    return Client(transport=transport)


def trusted(name: str, operation: str, **variables: Any) -> GraphQLRequest:
    """The operation `operation` of queries/<name>.graphql with `variables`."""
    text = (QUERIES / f"{name}.graphql").read_text()
    digest = hashlib.sha256(text.encode()).hexdigest()
    return GraphQLRequest(
        text,
        variable_values=variables,
        operation_name=operation,
        extensions={"persistedQuery": {"version": 1, "sha256Hash": digest}},
    )
