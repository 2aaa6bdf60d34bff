"""The settings registry and the inheritance rules: table-driven cases for each source and lock
combination, and a property test against a brute-force statement of the rules."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisettings.models.settings import (
    SETTINGS,
    EffectiveValue,
    OrganizationSettingsValues,
    SettingSource,
    SettingValue,
    StoppingPoint,
    resolve_project_settings,
    resolve_repository_settings,
    settings_from_level,
)

SYSTEM = SettingSource.SYSTEM_DEFAULT
ORGANIZATION = SettingSource.ORGANIZATION
PROJECT = SettingSource.PROJECT
REPOSITORY = SettingSource.REPOSITORY

# The registry as the design states it, written out here so that expectations never come from the code.
SYSTEM_DEFAULTS: Mapping[str, SettingValue] = {
    "scan_enabled": True,
    "fix_enabled": False,
    "stopping_point": StoppingPoint.PULL_REQUEST,
}
GATED_BY_REPOSITORY = frozenset({"scan_enabled", "fix_enabled"})


def organization(
    values: Mapping[str, SettingValue | None] | None = None, locked: frozenset[str] = frozenset()
) -> OrganizationSettingsValues:
    return OrganizationSettingsValues(values=values or {}, locked=locked)


def effective(
    value: SettingValue,
    source: SettingSource,
    inherited_value: SettingValue | None = None,
    inherited_from: SettingSource | None = None,
    *,
    locked: bool = False,
    override_ignored: bool = False,
) -> EffectiveValue:
    """An effective value; without an inherited part, one that inherits from itself."""
    return EffectiveValue(
        value=value,
        source=source,
        inherited_value=value if inherited_value is None else inherited_value,
        inherited_from=source if inherited_from is None else inherited_from,
        locked=locked,
        override_ignored=override_ignored,
    )


# --- The registry -----------------------------------------------------------------------------------------


def test_registry_declares_the_designed_settings_and_defaults() -> None:
    defaults = {setting.name: setting.default for setting in SETTINGS}

    assert defaults == SYSTEM_DEFAULTS
    assert {setting.name for setting in SETTINGS if setting.gated_by_repository} == GATED_BY_REPOSITORY


@pytest.mark.parametrize(
    ("name", "field_name", "enum_name"),
    [
        ("scan_enabled", "scanEnabled", "SCAN_ENABLED"),
        ("fix_enabled", "fixEnabled", "FIX_ENABLED"),
        ("stopping_point", "stoppingPoint", "STOPPING_POINT"),
    ],
    ids=["scan_enabled", "fix_enabled", "stopping_point"],
)
def test_setting_names_in_graphql_and_enum_form(name: str, field_name: str, enum_name: str) -> None:
    setting = SETTINGS.by_name[name]

    assert setting.field_name == field_name
    assert setting.enum_name == enum_name
    assert SETTINGS.by_field_name[field_name] is setting


@pytest.mark.parametrize(
    ("name", "raw", "parsed"),
    [
        ("scan_enabled", True, True),
        ("fix_enabled", False, False),
        ("stopping_point", "MERGE", StoppingPoint.MERGE),
        ("stopping_point", StoppingPoint.SUGGESTION, StoppingPoint.SUGGESTION),
    ],
    ids=["bool-true", "bool-false", "enum-from-string", "enum-from-member"],
)
def test_parse_accepts_values_of_the_setting_type(name: str, raw: object, parsed: SettingValue) -> None:
    assert SETTINGS.by_name[name].parse(raw) == parsed


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("scan_enabled", "true", "scanEnabled must be true or false"),
        ("scan_enabled", 1, "scanEnabled must be true or false"),
        ("fix_enabled", None, "fixEnabled must be true or false"),
        ("stopping_point", "merge", "stoppingPoint must be one of SUGGESTION, PULL_REQUEST, MERGE"),
        ("stopping_point", None, "stoppingPoint must be one of"),
        ("stopping_point", True, "stoppingPoint must be one of"),
        ("stopping_point", [], "stoppingPoint must be one of"),
    ],
    ids=[
        "bool-from-string",
        "bool-from-int",
        "bool-from-none",
        "enum-lowercase",
        "enum-none",
        "enum-bool",
        "enum-list",
    ],
)
def test_parse_rejects_values_of_another_type_with_a_readable_message(
    name: str, raw: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SETTINGS.by_name[name].parse(raw)


@pytest.mark.parametrize(
    ("name", "value", "serialized"),
    [
        ("scan_enabled", True, True),
        ("fix_enabled", False, False),
        ("stopping_point", StoppingPoint.PULL_REQUEST, "PULL_REQUEST"),
        ("stopping_point", None, None),
    ],
    ids=["bool-true", "bool-false", "enum", "none"],
)
def test_serialize_gives_the_json_form(
    name: str, value: SettingValue | None, serialized: bool | str | None
) -> None:
    assert SETTINGS.by_name[name].serialize(value) == serialized


# --- Project resolution -----------------------------------------------------------------------------------

LOCK_FIX = frozenset({"fix_enabled"})


@pytest.mark.parametrize(
    ("organization_values", "locked", "overrides", "expected"),
    [
        pytest.param({}, frozenset(), {}, effective(False, SYSTEM), id="no-value-anywhere-is-system-default"),
        pytest.param(
            {"fix_enabled": None},
            frozenset(),
            {"fix_enabled": None},
            effective(False, SYSTEM),
            id="nulls-inherit",
        ),
        pytest.param(
            {"fix_enabled": True},
            frozenset(),
            {},
            effective(True, ORGANIZATION),
            id="organization-value",
        ),
        pytest.param(
            {"fix_enabled": False},
            frozenset(),
            {},
            effective(False, ORGANIZATION),
            id="organization-value-equal-to-default-is-still-organization",
        ),
        pytest.param(
            {},
            frozenset(),
            {"fix_enabled": True},
            effective(True, PROJECT, False, SYSTEM),
            id="project-override-over-system-default",
        ),
        pytest.param(
            {"fix_enabled": True},
            frozenset(),
            {"fix_enabled": False},
            effective(False, PROJECT, True, ORGANIZATION),
            id="project-override-over-organization",
        ),
        pytest.param(
            {"fix_enabled": True},
            frozenset(),
            {"fix_enabled": True},
            effective(True, PROJECT, True, ORGANIZATION),
            id="override-equal-to-inherited-is-still-project",
        ),
        pytest.param(
            {},
            frozenset(),
            {"fix_enabled": False},
            effective(False, PROJECT, False, SYSTEM),
            id="override-equal-to-system-default-is-still-project",
        ),
        pytest.param(
            {"fix_enabled": True},
            LOCK_FIX,
            {},
            effective(True, ORGANIZATION, locked=True),
            id="locked-organization-value-without-override",
        ),
        pytest.param(
            {},
            LOCK_FIX,
            {},
            effective(False, SYSTEM, locked=True),
            id="locked-system-default-without-override",
        ),
        pytest.param(
            {"fix_enabled": True},
            LOCK_FIX,
            {"fix_enabled": False},
            effective(True, ORGANIZATION, locked=True, override_ignored=True),
            id="override-of-locked-organization-value-is-ignored",
        ),
        pytest.param(
            {},
            LOCK_FIX,
            {"fix_enabled": True},
            effective(False, SYSTEM, locked=True, override_ignored=True),
            id="override-of-locked-system-default-is-ignored",
        ),
        pytest.param(
            {"fix_enabled": True},
            LOCK_FIX,
            {"fix_enabled": True},
            effective(True, ORGANIZATION, locked=True, override_ignored=True),
            id="override-equal-to-locked-value-is-still-ignored",
        ),
        pytest.param(
            {"fix_enabled": True},
            frozenset({"scan_enabled"}),
            {"fix_enabled": False},
            effective(False, PROJECT, True, ORGANIZATION),
            id="lock-of-another-setting-leaves-override-in-force",
        ),
    ],
)
def test_project_value_of_a_setting_by_source_and_lock(
    organization_values: Mapping[str, SettingValue | None],
    locked: frozenset[str],
    overrides: Mapping[str, SettingValue | None],
    expected: EffectiveValue,
) -> None:
    resolved = resolve_project_settings(organization(organization_values, locked), overrides)

    assert resolved["fix_enabled"] == expected


def test_override_of_locked_setting_is_kept_but_ignored() -> None:
    org = organization({"stopping_point": StoppingPoint.SUGGESTION}, frozenset({"stopping_point"}))

    resolved = resolve_project_settings(org, {"stopping_point": StoppingPoint.MERGE})

    assert resolved["stopping_point"] == effective(
        StoppingPoint.SUGGESTION, ORGANIZATION, locked=True, override_ignored=True
    )


def test_project_without_values_anywhere_runs_with_system_defaults() -> None:
    resolved = resolve_project_settings(organization(), {})

    assert resolved == {name: effective(default, SYSTEM) for name, default in SYSTEM_DEFAULTS.items()}


def test_each_setting_resolves_independently_of_the_others() -> None:
    org = organization({"scan_enabled": False}, frozenset({"scan_enabled"}))

    resolved = resolve_project_settings(org, {"scan_enabled": True, "stopping_point": StoppingPoint.MERGE})

    assert resolved == {
        "scan_enabled": effective(False, ORGANIZATION, locked=True, override_ignored=True),
        "fix_enabled": effective(False, SYSTEM),
        "stopping_point": effective(StoppingPoint.MERGE, PROJECT, StoppingPoint.PULL_REQUEST, SYSTEM),
    }


# --- Repository resolution --------------------------------------------------------------------------------


def test_repository_switched_off_for_ai_neither_scans_nor_fixes() -> None:
    project = {
        "scan_enabled": effective(True, ORGANIZATION, True, SYSTEM, locked=True),
        "fix_enabled": effective(True, PROJECT, False, SYSTEM),
        "stopping_point": effective(StoppingPoint.MERGE, PROJECT, StoppingPoint.PULL_REQUEST, SYSTEM),
    }

    resolved = resolve_repository_settings(project, ai_enabled=False)

    assert resolved == {
        "scan_enabled": effective(False, REPOSITORY, True, ORGANIZATION, locked=True),
        "fix_enabled": effective(False, REPOSITORY, True, PROJECT),
        "stopping_point": effective(StoppingPoint.MERGE, PROJECT, StoppingPoint.MERGE, PROJECT),
    }


def test_repository_switched_off_for_ai_reports_no_ignored_override() -> None:
    project = {
        "scan_enabled": effective(False, SYSTEM, locked=True, override_ignored=True),
        "fix_enabled": effective(False, SYSTEM),
        "stopping_point": effective(StoppingPoint.PULL_REQUEST, SYSTEM, locked=True, override_ignored=True),
    }

    resolved = resolve_repository_settings(project, ai_enabled=False)

    assert not any(value.override_ignored for value in resolved.values())
    assert all(value.locked for name, value in resolved.items() if name != "fix_enabled")


@pytest.mark.parametrize(
    "project",
    [
        pytest.param(
            {
                "scan_enabled": effective(False, ORGANIZATION, True, SYSTEM),
                "fix_enabled": effective(True, PROJECT, False, SYSTEM),
                "stopping_point": effective(
                    StoppingPoint.SUGGESTION, PROJECT, StoppingPoint.MERGE, ORGANIZATION
                ),
            },
            id="values-from-organization-and-project",
        ),
        pytest.param(
            {
                "scan_enabled": effective(True, SYSTEM, locked=True, override_ignored=True),
                "fix_enabled": effective(False, SYSTEM),
                "stopping_point": effective(
                    StoppingPoint.MERGE, ORGANIZATION, StoppingPoint.PULL_REQUEST, SYSTEM, locked=True
                ),
            },
            id="locked-values-with-ignored-override",
        ),
    ],
)
def test_repository_enabled_for_ai_runs_with_its_project_values(project: dict[str, EffectiveValue]) -> None:
    resolved = resolve_repository_settings(project, ai_enabled=True)

    assert resolved == {
        name: effective(value.value, value.source, locked=value.locked) for name, value in project.items()
    }


# --- settings_from_level ----------------------------------------------------------------------------------

MIXED_SOURCES = {
    "scan_enabled": effective(False, REPOSITORY, True, PROJECT),
    "fix_enabled": effective(True, ORGANIZATION, False, SYSTEM),
    "stopping_point": effective(StoppingPoint.MERGE, ORGANIZATION, StoppingPoint.PULL_REQUEST, SYSTEM),
}


@pytest.mark.parametrize(
    ("level", "names"),
    [
        (SYSTEM, []),
        (ORGANIZATION, ["fix_enabled", "stopping_point"]),
        (PROJECT, []),
        (REPOSITORY, ["scan_enabled"]),
    ],
    ids=lambda argument: argument.name if isinstance(argument, SettingSource) else None,
)
def test_settings_from_level_lists_names_in_registry_order(level: SettingSource, names: list[str]) -> None:
    assert settings_from_level(MIXED_SOURCES, level) == names


def test_settings_from_level_ignores_where_an_inherited_value_comes_from() -> None:
    project = {
        name: effective(default, PROJECT, default, ORGANIZATION) for name, default in SYSTEM_DEFAULTS.items()
    }

    assert settings_from_level(project, ORGANIZATION) == []
    assert settings_from_level(project, PROJECT) == ["scan_enabled", "fix_enabled", "stopping_point"]


# --- Property: the rules, stated by brute force -----------------------------------------------------------

VALUES_OF: Mapping[str, st.SearchStrategy[SettingValue]] = {
    "scan_enabled": st.booleans(),
    "fix_enabled": st.booleans(),
    "stopping_point": st.sampled_from(StoppingPoint),
}


def level_values() -> st.SearchStrategy[dict[str, SettingValue | None]]:
    """Raw values of one level: each setting absent, None, or a valid value."""
    return st.fixed_dictionaries(
        {}, optional={name: st.none() | values for name, values in VALUES_OF.items()}
    )


def first_value(
    candidates: list[tuple[SettingSource, SettingValue | None]],
) -> tuple[SettingValue, SettingSource]:
    value, source = next((value, source) for source, value in candidates if value is not None)
    return value, source


def expected_project_value(
    name: str,
    organization_values: Mapping[str, SettingValue | None],
    locked: frozenset[str],
    overrides: Mapping[str, SettingValue | None],
) -> EffectiveValue:
    """Walk the levels from the most specific one; a locked setting has no project level."""
    below_project: list[tuple[SettingSource, SettingValue | None]] = [
        (ORGANIZATION, organization_values.get(name)),
        (SYSTEM, SYSTEM_DEFAULTS[name]),
    ]
    project_level: list[tuple[SettingSource, SettingValue | None]] = (
        [] if name in locked else [(PROJECT, overrides.get(name))]
    )
    value, source = first_value(project_level + below_project)
    inherited_value, inherited_from = first_value(below_project)
    return EffectiveValue(
        value=value,
        source=source,
        inherited_value=inherited_value,
        inherited_from=inherited_from,
        locked=name in locked,
        override_ignored=name in locked and overrides.get(name) is not None,
    )


def expected_repository_value(project_value: EffectiveValue, name: str, ai_enabled: bool) -> EffectiveValue:
    """The project's value in force, unless AI is off and the setting is one a repository switches off."""
    candidates: list[tuple[SettingSource, SettingValue | None]] = [
        (REPOSITORY, False if name in GATED_BY_REPOSITORY and not ai_enabled else None),
        (project_value.source, project_value.value),
    ]
    value, source = first_value(candidates)
    return EffectiveValue(
        value=value,
        source=source,
        inherited_value=project_value.value,
        inherited_from=project_value.source,
        locked=project_value.locked,
        override_ignored=False,
    )


@given(
    organization_values=level_values(),
    locked=st.frozensets(st.sampled_from(sorted(SYSTEM_DEFAULTS))),
    overrides=level_values(),
    ai_enabled=st.booleans(),
)
def test_resolution_matches_a_brute_force_walk_of_the_levels(
    organization_values: dict[str, SettingValue | None],
    locked: frozenset[str],
    overrides: dict[str, SettingValue | None],
    ai_enabled: bool,
) -> None:
    expected_project = {
        name: expected_project_value(name, organization_values, locked, overrides) for name in SYSTEM_DEFAULTS
    }
    expected_repository = {
        name: expected_repository_value(value, name, ai_enabled) for name, value in expected_project.items()
    }

    project = resolve_project_settings(organization(organization_values, locked), overrides)
    repository = resolve_repository_settings(project, ai_enabled)

    assert project == expected_project
    assert repository == expected_repository
