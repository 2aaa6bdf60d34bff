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

from graphql import OperationDefinitionNode, parse

from .graphql_over_http import Params, RequestError
from .request_facts import ANONYMOUS, OTHER

# The documents of queries/, installed with the package (aisettings/queries is the checkout's folder).
DEFAULT_DIRECTORY = Path(str(resources.files("aisettings") / "queries"))


def document_id(text: str) -> str:
    return f"sha256:{hashlib.sha256(text.encode()).hexdigest()}"


class TrustedDocuments:
    def __init__(self, documents: Mapping[str, str], *, only: bool) -> None:
        self._documents = dict(documents)
        self._only = only
        self._operations = {key: _operation_names(text) for key, text in self._documents.items()}

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

    @property
    def documents(self) -> Mapping[str, str]:
        """The trusted documents' texts by id."""
        return self._documents

    def id_of(self, params: Params) -> str | None:
        """The id of the trusted document that `params` (resolved) sends, or None when it is not one."""
        key = params.document_id or (None if params.query is None else document_id(params.query))
        return key if key in self._documents else None

    def operation_label(self, params: Params) -> str:
        """The operation of `params` (resolved) as a metric may show it: the name of an operation of a
        trusted document sent as it is, else `other` (`anonymous` for a trusted document of several
        operations sent without a name); never a name a client made up."""
        key = params.document_id or (None if params.query is None else document_id(params.query))
        names = self._operations.get(key or "")
        if names is None:
            return OTHER
        if params.operation_name is None:
            return next(iter(names)) if len(names) == 1 else ANONYMOUS
        return params.operation_name if params.operation_name in names else OTHER


def _operation_names(text: str) -> frozenset[str]:
    return frozenset(
        definition.name.value
        for definition in parse(text).definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    )
