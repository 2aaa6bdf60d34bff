"""The documents the page may send: each operation of the trusted documents (queries/) by its name, with
the id of its document. The page sends `documentId` and `operationName`, never a text of its own."""

from __future__ import annotations

from pathlib import Path

import graphql

from aisettings.app.trusted_documents import document_id


def operation_document_ids(directory: Path) -> dict[str, str]:
    """`{operation name: "sha256:<hex>"}` over the `*.graphql` files of `directory`."""
    ids: dict[str, str] = {}
    for path in sorted(directory.glob("*.graphql")):
        text = path.read_text()
        for definition in graphql.parse(text).definitions:
            if isinstance(definition, graphql.OperationDefinitionNode) and definition.name is not None:
                ids[definition.name.value] = document_id(text)
    return ids
