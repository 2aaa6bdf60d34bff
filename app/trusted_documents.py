"""Trusted documents (persisted queries): the documents of `queries/`, which the clients send, known by
their SHA-256. A client may send `documentId: "sha256:<hex>"` (the GraphQL-over-HTTP persisted-documents
convention) or Apollo's `extensions.persistedQuery.sha256Hash` instead of the text; in "trusted only"
mode (for production) no other document runs at all."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from .graphql_over_http import Params, RequestError

# The documents of queries/, installed with the package (aisettings/queries is the checkout's folder).
DEFAULT_DIRECTORY = Path(str(resources.files("aisettings") / "queries"))


def document_id(text: str) -> str:
    return f"sha256:{hashlib.sha256(text.encode()).hexdigest()}"


class TrustedDocuments:
    def __init__(self, documents: Mapping[str, str], *, only: bool) -> None:
        self._documents = dict(documents)
        self._only = only

    @classmethod
    def from_directory(cls, directory: Path, *, only: bool) -> TrustedDocuments:
        """The `*.graphql` files of `directory` (none if it does not exist)."""
        texts = [path.read_text() for path in sorted(directory.glob("*.graphql"))]
        return cls({document_id(text): text for text in texts}, only=only)

    def resolve(self, params: Params) -> Params:
        """`params` with the text of the trusted document it names; refused when it names an unknown one,
        or in trusted-only mode when it sends a document that is not trusted."""
        if params.document_id is not None:
            text = self._documents.get(params.document_id)
            if text is None:
                raise RequestError(
                    f"No trusted document has the id {params.document_id!r}.", "PERSISTED_QUERY_NOT_FOUND"
                )
            return dataclasses.replace(params, query=text)
        if self._only and (params.query is None or document_id(params.query) not in self._documents):
            raise RequestError(
                "This server runs trusted documents only: send the `documentId` of one of them.",
                "TRUSTED_DOCUMENT_REQUIRED",
            )
        return params
