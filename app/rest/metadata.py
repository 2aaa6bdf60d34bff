"""The answer to OPTIONS, as Django REST Framework's SimpleMetadata gives it: the resource's name and
description, the media types it renders and parses, and under `actions` the fields of each write
(PUT, POST) the caller may make, described the way DRF describes a serializer's fields.

The descriptions come from the JSON schemas of the bodies' and answers' models, the same ones the
OpenAPI document is made of, so that the two never disagree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

JSON = "application/json"
# The writes DRF describes, in its order.
DESCRIBED_WRITES = ("PUT", "POST")


def options_metadata(name: str, description: str, writes: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The metadata of a resource; `writes` maps each write the caller may make to its fields
    (`write_fields`)."""
    metadata: dict[str, Any] = {"name": name, "description": description, "renders": [JSON], "parses": [JSON]}
    actions = {method: writes[method] for method in DESCRIBED_WRITES if method in writes}
    if actions:
        metadata["actions"] = actions
    return metadata


def write_fields(body: type[BaseModel], answer: Any) -> dict[str, Any]:
    """The fields of a write as DRF describes them: its body's, and its answer's that the body lacks, as
    read-only."""
    writable = _object_fields(body.model_json_schema(mode="validation"), read_only=False)
    if not isinstance(answer, type) or not issubclass(answer, BaseModel):
        return writable
    readable = _object_fields(answer.model_json_schema(mode="serialization"), read_only=True)
    return {**writable, **{key: field for key, field in readable.items() if key not in writable}}


def _object_fields(
    schema: dict[str, Any], read_only: bool, definitions: dict[str, Any] | None = None
) -> dict[str, Any]:
    definitions = {**(definitions or {}), **schema.get("$defs", {})}
    required = set(schema.get("required", ()))
    return {
        key: _field(key, _resolved(field, definitions), definitions, read_only, key in required)
        for key, field in schema.get("properties", {}).items()
    }


def _field(
    key: str, schema: dict[str, Any], definitions: dict[str, Any], read_only: bool, required: bool
) -> dict[str, Any]:
    described = {
        **_type(schema, definitions, read_only),
        "required": required and not read_only,
        "read_only": read_only,
        # DRF's label of a field without one: its name, capitalized, words apart.
        "label": key.replace("_", " ").capitalize(),
    }
    if "description" in schema:
        described["help_text"] = schema["description"]
    return described


def _type(schema: dict[str, Any], definitions: dict[str, Any], read_only: bool) -> dict[str, Any]:
    """DRF's `type` of a field (and its choices, list item or nested fields) from its JSON schema."""
    if "enum" in schema:
        values = [value for value in schema["enum"] if value is not None]
        return {"type": "choice", "choices": [{"value": value, "display_name": value} for value in values]}
    types = schema.get("type", "object")
    kind = next((t for t in types if t != "null"), "object") if isinstance(types, list) else types
    if kind == "array":
        child = _resolved(schema.get("items", {}), definitions)
        return {"type": "list", "child": _type(child, definitions, read_only)}
    if kind == "object":
        return {"type": "nested object", "children": _object_fields(schema, read_only, definitions)}
    return {"type": {"number": "float"}.get(kind, kind)}


def _resolved(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its `$ref` (or a one-of of a reference and null) replaced by what it names."""
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        if len(options) == 1:
            schema = {**schema, **options[0]}
    reference = schema.get("$ref")
    if reference is None:
        return schema
    named = definitions[reference.rsplit("/", 1)[-1]]
    return {**named, **{key: value for key, value in schema.items() if key != "$ref"}}
