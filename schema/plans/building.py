"""A plan bound to one request: closures that build the answer's dicts from the sources, completing
leaves with graphql-core's output coercion, and awaiting only the fields that read the database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import strawberry
from graphql import VariableValues, get_argument_values

from aisettings.resolvers.context import Context

from ..strawberry_internals import DEFINITION_BACKREF, StrawberryField, python_arguments
from .selections import NotCovered
from .sources import SHARED_OBJECTS, Site
from .steps import FieldStep, ObjectStep

Build = Callable[[Any], Any]


class Request:
    """What a plan's fields read besides their sources: the context and the coerced variables."""

    def __init__(self, schema: strawberry.Schema, context: Context, variables: VariableValues) -> None:
        self.schema = schema
        self.context = context
        self.variables = variables

    def arguments(self, step: FieldStep) -> dict[str, Any]:
        """The field's arguments as graphql-core coerces them."""
        return get_argument_values(step.field, step.node, self.variables)

    def site(self, step: FieldStep) -> Site:
        arguments = self.arguments(step) if step.field.args else {}
        definition = step.field.extensions.get(DEFINITION_BACKREF)
        if arguments and isinstance(definition, StrawberryField):
            # As Strawberry's resolver wrapper converts them: input objects, enums, by Python names.
            arguments = python_arguments(self.schema, definition, arguments)
        return Site(self.context, arguments, lambda path: self.arguments_below(step.child, path))

    def arguments_below(self, step: ObjectStep | None, path: Sequence[str]) -> list[dict[str, Any]]:
        """The arguments (as graphql-core coerces them) of the fields reached from `step` by `path`."""
        if step is None:
            return []
        name, rest = path[0], path[1:]
        found: list[dict[str, Any]] = []
        for field in step.fields:
            if field.node.name.value == name:
                found += self.arguments_below(field.child, rest) if rest else [self.arguments(field)]
        return found


def bind_object(step: ObjectStep, request: Request) -> Build:
    """A function of a source making the object's dict (a coroutine function when a field awaits)."""
    if not step.is_async:
        return _object_function(step, request)
    fields = [(field.response_name, bind_field(field, request), field.is_async) for field in step.fields]

    async def build(source: Any) -> dict[str, Any]:
        ready = {name: compute(source) for name, compute, is_async in fields if not is_async}
        awaited = [(name, compute(source)) for name, compute, is_async in fields if is_async]
        # Gathered, as graphql-core gathers an object's pending fields: their reads share a batch. Every
        # one is let finish before a failure is raised, so that none runs on after the plan gave up.
        results = await asyncio.gather(*(pending for _, pending in awaited), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        ready.update(zip((name for name, _ in awaited), results, strict=True))
        return {name: ready[name] for name, _, _ in fields}

    return build


def _object_function(step: ObjectStep, request: Request) -> Build:
    """The object's function as compiled with its step (steps.py), bound to this request's reads."""
    namespace: dict[str, Any] = {}
    for index, field in enumerate(step.fields):
        namespace[f"read_{index}"] = field.reader.make(request.site(field))
        if field.child is None:
            namespace[f"shape_{index}"] = _shape_leaf(field)
        else:
            namespace[f"shape_{index}"] = _nullable(
                field, _shape_object(field, bind_object(field.child, request))
            )
    exec(step.code, namespace)  # defines `build` (steps.py)
    build: Build = namespace["build"]
    key_of = SHARED_OBJECTS.get(step.type_name)
    return build if key_of is None else _built_once(build, key_of)


def _built_once(build: Build, key_of: Callable[[Any], Hashable]) -> Build:
    """`build`, run once per key of its sources for this request (sources.SHARED_OBJECTS)."""
    built: dict[Hashable, tuple[Any, Any]] = {}

    def build_once(source: Any) -> Any:
        key = key_of(source)
        found = built.get(key)
        if found is None:
            found = built[key] = (source, build(source))  # the source kept: its key's identity stays its own
        return found[1]

    return build_once


def bind_field(step: FieldStep, request: Request) -> Build:
    """A function of a source computing the field's value (a coroutine function when it awaits)."""
    made, unpacks = step.reader.make(request.site(step)), step.reader.unpacks

    def read(source: Any) -> Any:
        return made(*source) if unpacks else made(source)

    shape = _shape_leaf(step) if step.child is None else _shape_object(step, bind_object(step.child, request))
    if not step.is_async:

        def compute(source: Any) -> Any:
            value = read(source)
            return _null(step) if value is None else shape(value)

        return compute
    reads_async = step.reader.is_async
    shapes_async = step.child is not None and step.child.is_async

    async def compute_async(source: Any) -> Any:
        value = read(source)
        if reads_async:
            value = await value
        if value is None:
            return _null(step)
        return await shape(value) if shapes_async else shape(value)

    return compute_async


def _shape_leaf(step: FieldStep) -> Build:
    complete = step.complete
    assert complete is not None
    # A completer raises where graphql-core would report an error: graphql-core then answers.
    return complete


def _nullable(step: FieldStep, shape: Build) -> Build:
    """`shape` of a value that is not None; None or NotCovered as the field's type says otherwise."""

    def shape_or_null(value: Any) -> Any:
        return _null(step) if value is None else shape(value)

    return shape_or_null


def _shape_object(step: FieldStep, build: Build) -> Build:
    if step.is_list:
        return lambda items: [build(item) for item in items]
    return build


def _null(step: FieldStep) -> None:
    if step.non_null:
        raise NotCovered("a null where the type forbids one: graphql-core reports it")
