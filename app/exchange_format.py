"""The JSON file format of `aisettings import` and `export`, validated with pydantic so that every
problem is reported with its JSON path before anything is written."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    create_model,
    field_validator,
)
from pydantic import Strict as StrictMode

from aisettings.models.limits import MAX_LOGIN_LENGTH, MAX_NAME_LENGTH, MAX_SLUG_LENGTH
from aisettings.models.repositories import RepositoryProvider
from aisettings.models.settings import SETTINGS
from aisettings.models.text import is_storable

from .exchange_messages import problem_message

SLUG = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_SLUG_LENGTH - 1}}}")
# A display name; none given: the slug.
Name = Annotated[str | None, Field(max_length=MAX_NAME_LENGTH)]
# lockedSettings as GraphQL names them: SCAN_ENABLED, ... (a Literal built from the registry).
SETTING_NAME: Any = Literal.__getitem__(tuple(setting.enum_name for setting in SETTINGS))


class ImportFileError(ValueError):
    """Every problem of an import file, each as (JSON path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        for text in _texts(value):
            if not is_storable(text):
                raise ValueError("text must not hold NUL characters or unpaired surrogates")
        return value


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _setting_fields() -> dict[str, Any]:
    # Strict: a value must be one of the setting's type as JSON has it (true, not "true" or 1).
    return {
        setting.field_name: (Annotated[setting.value_type, StrictMode()] | None, None) for setting in SETTINGS
    }


# One field per registered setting; a field left out means "leave as it is".
SettingsValues: type[Strict] = create_model("SettingsValues", __base__=Strict, **_setting_fields())
OrganizationSettingsFile: type[Strict] = create_model(
    "OrganizationSettingsFile",
    __base__=SettingsValues,
    lockedSettings=(list[SETTING_NAME] | None, None),
)


def _check_slug(value: str) -> str:
    if SLUG.fullmatch(value) is None:
        raise ValueError(
            f"a slug is 1 to {MAX_SLUG_LENGTH} letters, digits, '.', '-' or '_', "
            "starting with a letter or digit"
        )
    return value


class RepositoryFile(Strict):
    provider: RepositoryProvider
    name: str
    aiEnabled: StrictBool | None = None
    branchPatterns: list[str] | None = None


class ProjectFile(Strict):
    slug: str
    name: Name = None
    overrides: SettingsValues = Field(default_factory=SettingsValues)  # type: ignore[valid-type]
    repositories: list[RepositoryFile] = Field(default_factory=list)

    _slug = field_validator("slug")(_check_slug)


def _lowercase(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class MemberFile(Strict):
    login: str = Field(min_length=1, max_length=MAX_LOGIN_LENGTH)
    # In any case, as people write them: "Owner", "ADMIN".
    role: Annotated[Literal["member", "admin", "owner"], BeforeValidator(_lowercase)]


class OrganizationFile(Strict):
    slug: str
    name: Name = None
    settings: OrganizationSettingsFile | None = None  # type: ignore[valid-type]
    members: list[MemberFile] = Field(default_factory=list)
    projects: list[ProjectFile] = Field(default_factory=list)

    _slug = field_validator("slug")(_check_slug)


class ExchangeFile(Strict):
    organizations: list[OrganizationFile]


def parse_exchange_file(raw: bytes) -> ExchangeFile:
    """The file, or ImportFileError listing every problem with its JSON path."""
    try:
        return ExchangeFile.model_validate_json(raw)
    except ValidationError as error:
        problems = error.errors()
        raise ImportFileError(
            [(_json_path(problem["loc"]), problem_message(problem, ExchangeFile)) for problem in problems]
        ) from None


def _json_path(location: tuple[int | str, ...]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
