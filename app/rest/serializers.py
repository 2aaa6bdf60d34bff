"""The REST bodies, as pydantic models: the serializers of the original API, generated from the settings
registry (a new setting appears here with no change), and the answers. The OpenAPI document
(app/rest/openapi.py) is made of these same models."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from aisettings.models.repositories import RepositoryProvider, RepositoryStatus, repository_status
from aisettings.models.setting_types import JsonValue, SettingType, SettingValue
from aisettings.models.settings import SETTINGS, EffectiveValue, SettingDefinition, SettingSource
from aisettings.resolvers.records import OrganizationRecord, ProjectRecord, RepositoryRecord

from .errors import OVERRIDE
from .fields import (
    Boolean,
    PrimaryKeys,
    Text,
    TextList,
    choice,
    choice_list,
    lower_case,
    lower_case_members,
    setting_field,
)


class Body(BaseModel):
    """A request body: unknown fields are ignored, as DRF does."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


B = TypeVar("B", bound=BaseModel)


def generated_model(name: str, base: type[B], description: str, fields: dict[str, Any]) -> type[B]:
    """A model of `fields` (name -> (type, Field(...))), in their order: those of settings follow from
    the registry."""
    return create_model(name, __base__=base, __doc__=description, **fields)


def override_name(setting: SettingDefinition) -> str:
    return setting.name + OVERRIDE


def _answered(setting: SettingDefinition, *, nullable: bool = False) -> Any:
    schema = dict(setting_field(setting.type).answered_schema)
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return Annotated[Any, WithJsonSchema(schema)]


def _default(setting: SettingDefinition) -> Any:
    """A field that takes the setting's system default when left out (the schema shows it as REST does)."""
    return Field(
        default=setting.default,
        description=setting.description,
        json_schema_extra={"default": setting_field(setting.type).answer(setting.default)},
    )


def _absent(description: str) -> Any:
    """A field of a PATCH: left out, it is not among the model's `model_fields_set` (and its None is no
    value a client may send: the document shows no default)."""
    return Field(default=None, description=description, json_schema_extra=_without_default)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


LOCKED_SETTINGS = "locked_settings"
SETTING_NAMES = {setting.name: setting.name for setting in SETTINGS}
LOCKED_DESCRIPTION = (
    "The settings the organization enforces: projects' overrides of them are kept but not in force. "
    "Left out: unchanged, in a PUT too (a client that does not know it never unlocks anything)."
)

OrganizationSettingsPut = generated_model(
    "OrganizationSettingsPut",
    Body,
    "The organization's settings, replaced whole: a setting left out takes its default.",
    {
        **{s.name: (setting_field(s.type).annotation, _default(s)) for s in SETTINGS},
        LOCKED_SETTINGS: (choice_list(SETTING_NAMES), _absent(LOCKED_DESCRIPTION)),
    },
)

OrganizationSettingsPatch = generated_model(
    "OrganizationSettingsPatch",
    Body,
    "Changes to the organization's settings: only what is named changes.",
    {
        **{s.name: (setting_field(s.type).annotation, _absent(s.description)) for s in SETTINGS},
        LOCKED_SETTINGS: (choice_list(SETTING_NAMES), _absent(LOCKED_DESCRIPTION)),
    },
)


def _override_description(setting: SettingDefinition) -> str:
    return f"{setting.description} null: inherits the organization's value."


ProjectSettingsPut = generated_model(
    "ProjectSettingsPut",
    Body,
    "The project's overrides, all of them given (null: inherit).",
    {
        override_name(s): (
            setting_field(s.type).nullable_annotation,
            Field(description=_override_description(s)),
        )
        for s in SETTINGS
    },
)

ProjectSettingsPatch = generated_model(
    "ProjectSettingsPatch",
    Body,
    "Changes to the project's overrides (null: inherit); a field left out is unchanged.",
    {
        override_name(s): (setting_field(s.type).nullable_annotation, _absent(_override_description(s)))
        for s in SETTINGS
    },
)

PROVIDERS = lower_case_members(RepositoryProvider)
BRANCH_PATTERNS = (
    "Branch globs, as git spells branch names with `*`, `**`, `?` and `[...]`; empty: the default branch."
)


class RepositoryCreate(Body):
    """A repository to add to the project."""

    provider: choice(PROVIDERS) = Field(description="Where the repository is hosted.")  # type: ignore[valid-type]
    name: Text = Field(description='"owner/name" as the provider spells it.')
    ai_enabled: Boolean = Field(default=True, description="Whether AI may work in this repository.")
    branch_patterns: TextList = Field(default_factory=list, description=BRANCH_PATTERNS)


class RepositoryPut(Body):
    """The repository's configuration, replaced whole (its provider and name cannot change)."""

    ai_enabled: Boolean = Field(default=True, description="Whether AI may work in this repository.")
    branch_patterns: TextList = Field(default_factory=list, description=BRANCH_PATTERNS)


class RepositoryPatch(Body):
    """Changes to the repository's configuration; a field left out is unchanged."""

    ai_enabled: Boolean = _absent("Whether AI may work in this repository.")
    branch_patterns: TextList = _absent(BRANCH_PATTERNS)


class BulkUpdate(Body):
    """The same changes for many projects, all or nothing."""

    project_ids: PrimaryKeys = Field(description="The projects (at most 1000).")
    changes: ProjectSettingsPatch = Field(  # type: ignore[valid-type]
        description="The overrides to set (null: inherit); one left out is unchanged."
    )
    dry_run: Boolean = Field(default=False, description="Answer what the call would do, and change nothing.")


# Answers.

SOURCES = [lower_case(source) for source in SettingSource]
Source = Annotated[str, WithJsonSchema({"type": "string", "enum": SOURCES})]


def _effective_model(setting_type: SettingType) -> type[Answer]:
    value = Annotated[Any, WithJsonSchema(setting_field(setting_type).answered_schema)]
    ignored = "Whether this level holds an override that the organization's lock keeps out of force."
    return generated_model(
        f"Effective{setting_type.graphql_name}",
        Answer,
        f"A {setting_type.noun} in force, and why.",
        {
            "value": (value, Field(description="The value in force.")),
            "source": (Source, Field(description="The level the value in force comes from.")),
            "inherited_value": (
                value,
                Field(description="What would be in force without this level's value."),
            ),
            "inherited_from": (Source, Field(description="The level `inherited_value` comes from.")),
            "locked": (bool, Field(description="Whether the organization enforces this setting.")),
            "override_ignored": (bool, Field(description=ignored)),
        },
    )


_EFFECTIVE_MODELS = {kind: _effective_model(kind) for kind in dict.fromkeys(s.type for s in SETTINGS)}

EffectiveSettings = generated_model(
    "EffectiveSettings",
    Answer,
    "The settings a project runs with, each with where it comes from.",
    {s.name: (_EFFECTIVE_MODELS[s.type], Field(description=s.description)) for s in SETTINGS},
)

SettingNames = Annotated[
    list[str], WithJsonSchema({"type": "array", "items": {"type": "string", "enum": list(SETTING_NAMES)}})
]

OrganizationSettings = generated_model(
    "OrganizationSettings",
    Answer,
    "An organization's settings: what its projects inherit unless they override them, and its locks.",
    {
        **{s.name: (_answered(s), Field(description=s.description)) for s in SETTINGS},
        LOCKED_SETTINGS: (SettingNames, Field(description=LOCKED_DESCRIPTION)),
        "version": (int, Field(description="+1 per write that changes these settings; the ETag.")),
        "updated_at": (
            dt.datetime | None,
            Field(description="When these settings last changed; null if never."),
        ),
    },
)

ProjectSettings = generated_model(
    "ProjectSettings",
    Answer,
    "A project's overrides (null: inherits) and the settings it runs with.",
    {
        "id": (str, Field(description="The project's id.")),
        "slug": (str, Field(description="The project's short name.")),
        "name": (str, Field(description="The project's display name.")),
        **{
            override_name(s): (_answered(s, nullable=True), Field(description=_override_description(s)))
            for s in SETTINGS
        },
        "effective_settings": (EffectiveSettings, Field(description="The settings the project runs with.")),
        "version": (int, Field(description="+1 per write that changes the overrides; the ETag.")),
    },
)


class Repository(Answer):
    """A repository of a project, which can be switched off for AI."""

    id: str = Field(description="The repository's id.")
    provider: Annotated[str, WithJsonSchema({"type": "string", "enum": list(PROVIDERS)})]
    name: str = Field(description='"owner/name" as the provider spells it.')
    ai_enabled: bool = Field(description="Whether AI may work in this repository.")
    branch_patterns: list[str] = Field(description=BRANCH_PATTERNS)
    status: Annotated[
        str, WithJsonSchema({"type": "string", "enum": [lower_case(status) for status in RepositoryStatus]})
    ] = Field(description="Whether AI runs here, and if not, why.")
    last_configured_at: dt.datetime | None = Field(description="When the configuration last changed.")
    version: int = Field(description="+1 per write that changes the configuration; the ETag.")


class ProjectChange(Answer):
    """A project that a bulk update changes: its settings before and after."""

    id: str
    slug: str
    before: ProjectSettings  # type: ignore[valid-type]
    after: ProjectSettings  # type: ignore[valid-type]


class BulkResult(Answer):
    """What a bulk update changed (or, in a dry run, would change)."""

    affected_count: int = Field(description="How many projects change.")
    batch_id: str | None = Field(description="The audit batch; null in a dry run or when nothing changed.")
    projects: list[ProjectChange] = Field(description="The projects that change.")


class Detail(Answer):
    """A refusal of the request as a whole."""

    detail: str


# The projects with overrides answer a list of projects.
ProjectList = list[ProjectSettings]  # type: ignore[valid-type]
RepositoryList = list[Repository]


def effective_value(value: EffectiveValue, setting: SettingDefinition) -> dict[str, Any]:
    answer = setting_field(setting.type).answer
    return {
        "value": answer(value.value),
        "source": lower_case(value.source),
        "inherited_value": answer(value.inherited_value),
        "inherited_from": lower_case(value.inherited_from),
        "locked": value.locked,
        "override_ignored": value.override_ignored,
    }


def _answered_value(setting: SettingDefinition, value: SettingValue | None) -> JsonValue | None:
    return None if value is None else setting_field(setting.type).answer(value)


def organization_answer(record: OrganizationRecord) -> Answer:
    settings = record.settings
    return OrganizationSettings.model_validate(
        {
            **{s.name: _answered_value(s, settings.effective[s.name].value) for s in SETTINGS},
            LOCKED_SETTINGS: [s.name for s in SETTINGS if s.name in settings.locked],
            "version": record.settings_version,
            "updated_at": record.settings_updated_at,
        }
    )


def project_answer(record: ProjectRecord) -> Answer:
    effective = record.effective
    return ProjectSettings.model_validate(
        {
            "id": str(record.id),
            "slug": record.slug,
            "name": record.name,
            **{override_name(s): _answered_value(s, record.overrides.get(s.name)) for s in SETTINGS},
            "effective_settings": {s.name: effective_value(effective[s.name], s) for s in SETTINGS},
            "version": record.version,
        }
    )


def repository_answer(record: RepositoryRecord, parent: ProjectRecord) -> Repository:
    return Repository(
        id=str(record.id),
        provider=record.provider.lower(),
        name=record.name,
        ai_enabled=record.ai_enabled,
        branch_patterns=record.branch_patterns,
        status=lower_case(repository_status(record.ai_enabled, parent.effective)),
        last_configured_at=record.last_configured_at,
        version=record.version,
    )
