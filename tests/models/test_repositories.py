"""Repository rules: provider name formats, web addresses, status, and branch-pattern globs."""

from __future__ import annotations

import pytest

from aisettings.models.limits import MAX_BRANCH_PATTERNS, MAX_REPOSITORY_NAME_LENGTH
from aisettings.models.repositories import (
    RepositoryProvider,
    RepositoryStatus,
    branch_pattern_error,
    branch_patterns_errors,
    repository_name_error,
    repository_status,
    repository_url,
)
from aisettings.models.settings import EffectiveValue, SettingSource, SettingValue, StoppingPoint

GITHUB = RepositoryProvider.GITHUB
GITLAB = RepositoryProvider.GITLAB
BITBUCKET = RepositoryProvider.BITBUCKET


# --- Repository names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "name"),
    [
        (GITHUB, "acme/web"),
        (GITHUB, "Acme-Corp/web.site_v2"),
        (GITHUB, "a/b"),
        (GITHUB, "a-b-c/x"),
        (GITHUB, "a" * 39 + "/" + "r" * 100),
        (GITHUB, "acme/.github"),
        (GITLAB, "group/project"),
        (GITLAB, "group/sub/project"),
        (GITLAB, "_group/sub.group/my-project"),
        (BITBUCKET, "workspace/repo"),
        (BITBUCKET, "my-team_1/repo.name"),
    ],
    ids=lambda argument: argument.name if isinstance(argument, RepositoryProvider) else None,
)
def test_valid_repository_name_has_no_error(provider: RepositoryProvider, name: str) -> None:
    assert repository_name_error(provider, name) is None


@pytest.mark.parametrize(
    ("provider", "name"),
    [
        (GITHUB, ""),
        (GITHUB, "acme"),
        (GITHUB, "a--b/x"),
        (GITHUB, "-acme/web"),
        (GITHUB, "acme-/web"),
        (GITHUB, "a" * 40 + "/web"),
        (GITHUB, "acme/" + "r" * 101),
        (GITHUB, "acme/."),
        (GITHUB, "acme/.."),
        (GITHUB, "acme/web.git"),
        (GITHUB, "acme/web.atom"),
        (GITHUB, "acme/web site"),
        (GITHUB, "acme/sub/web"),
        (GITHUB, "acme/web\n"),
        (GITLAB, "project"),
        (GITLAB, "group/sub/project.git"),
        (GITLAB, "group/-project"),
        (GITLAB, "group//project"),
        (GITLAB, "group/project/"),
        (BITBUCKET, "Workspace/repo"),
        (BITBUCKET, "workspace/Repo"),
        (BITBUCKET, "workspace/repo.git"),
        (BITBUCKET, "work.space/repo"),
        (BITBUCKET, "workspace/sub/repo"),
    ],
    ids=lambda argument: argument.name if isinstance(argument, RepositoryProvider) else None,
)
def test_invalid_repository_name_is_explained(provider: RepositoryProvider, name: str) -> None:
    error = repository_name_error(provider, name)

    assert error is not None
    assert error.startswith(f"{name!r} is not a valid repository name.")


def gitlab_name(parts: int, part_length: int, extra: str = "") -> str:
    """A GitLab name of `parts` parts of `part_length` characters (the last one followed by `extra`)."""
    return "/".join(f"{number:0{part_length}d}" for number in range(parts)) + extra


def test_gitlab_name_of_exactly_255_characters_is_valid() -> None:
    name = gitlab_name(12, 20, "x" * 4)  # 12 * 20 + 11 slashes + 4

    assert (MAX_REPOSITORY_NAME_LENGTH, len(name)) == (255, 255)
    assert repository_name_error(GITLAB, name) is None


# Names over 255 characters, each valid in every other respect where the provider's format allows it.
OVERLONG_NAMES = [
    pytest.param(GITLAB, gitlab_name(21, 20), id="GITLAB-21-parts-of-20"),
    pytest.param(GITLAB, gitlab_name(12, 20, "x" * 5), id="GITLAB-256"),
    pytest.param(GITLAB, "group/" + "p" * 250, id="GITLAB-long-last-part"),
    pytest.param(GITHUB, "acme/" + "r" * 251, id="GITHUB"),
    pytest.param(BITBUCKET, "workspace/" + "r" * 246, id="BITBUCKET"),
]


@pytest.mark.parametrize(("provider", "name"), OVERLONG_NAMES)
def test_repository_name_over_255_characters_is_refused_naming_the_limit(
    provider: RepositoryProvider, name: str
) -> None:
    error = repository_name_error(provider, name)

    assert len(name) > 255
    assert error is not None
    assert "255" in error


@pytest.mark.parametrize(
    ("provider", "explanation"),
    [(GITHUB, "GitHub names"), (GITLAB, "GitLab names"), (BITBUCKET, "Bitbucket names")],
    ids=["GITHUB", "GITLAB", "BITBUCKET"],
)
def test_invalid_repository_name_error_names_the_provider_format(
    provider: RepositoryProvider, explanation: str
) -> None:
    error = repository_name_error(provider, "no slash")

    assert error is not None
    assert explanation in error


@pytest.mark.parametrize(
    ("provider", "name", "url"),
    [
        (GITHUB, "acme/web", "https://github.com/acme/web"),
        (GITLAB, "group/sub/project", "https://gitlab.com/group/sub/project"),
        (BITBUCKET, "team/repo", "https://bitbucket.org/team/repo"),
    ],
    ids=["GITHUB", "GITLAB", "BITBUCKET"],
)
def test_repository_url_is_the_provider_web_address(
    provider: RepositoryProvider, name: str, url: str
) -> None:
    assert repository_url(provider, name) == url


# --- Repository status ------------------------------------------------------------------------------------


def project_settings(scan_enabled: bool, fix_enabled: bool) -> dict[str, EffectiveValue]:
    def value(setting_value: SettingValue) -> EffectiveValue:
        return EffectiveValue(
            value=setting_value,
            source=SettingSource.PROJECT,
            inherited_value=setting_value,
            inherited_from=SettingSource.ORGANIZATION,
            locked=False,
            override_ignored=False,
        )

    return {
        "scan_enabled": value(scan_enabled),
        "fix_enabled": value(fix_enabled),
        "stopping_point": value(StoppingPoint.PULL_REQUEST),
    }


@pytest.mark.parametrize(
    ("ai_enabled", "scan_enabled", "fix_enabled", "status"),
    [
        pytest.param(False, True, True, RepositoryStatus.DISABLED_BY_REPOSITORY, id="ai-off-with-all-on"),
        pytest.param(False, False, False, RepositoryStatus.DISABLED_BY_REPOSITORY, id="ai-off-with-all-off"),
        pytest.param(True, False, False, RepositoryStatus.DISABLED_BY_SETTINGS, id="scan-and-fix-off"),
        pytest.param(True, True, False, RepositoryStatus.ACTIVE, id="scan-on"),
        pytest.param(True, False, True, RepositoryStatus.ACTIVE, id="fix-on"),
        pytest.param(True, True, True, RepositoryStatus.ACTIVE, id="scan-and-fix-on"),
    ],
)
def test_repository_status_says_whether_and_why_ai_runs(
    ai_enabled: bool, scan_enabled: bool, fix_enabled: bool, status: RepositoryStatus
) -> None:
    assert repository_status(ai_enabled, project_settings(scan_enabled, fix_enabled)) is status


# --- Branch patterns --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "main",
        "release/*",
        "feature/**",
        "v[0-9]*",
        "hotfix-?",
        "[!a]*",
        "release/v1.2",
        "x" * 255,
        "@x",
        "a.b/c-d_e",
    ],
)
def test_valid_branch_pattern_has_no_error(pattern: str) -> None:
    assert branch_pattern_error(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "must not be empty"),
        (" main", "whitespace or a control character"),
        ("a b", "whitespace or a control character"),
        ("main\t", "whitespace or a control character"),
        ("a\x00b", "whitespace or a control character"),
        ("a\x7fb", "git does not allow"),
        ("a..b", "'..'"),
        ("[abc", "never closed"),
        ("abc]", "without its '['"),
        ("[]", "empty character class"),
        ("[!]", "empty character class"),
        ("x" * 256, "at most 255 characters"),
        ("/main", "starts or ends with '/'"),
        ("main/", "starts or ends with '/'"),
        ("main.", "ends with '.'"),
        ("main.lock", "'.lock'"),
        ("@", "is '@'"),
        (".hidden", "starts with '.'"),
        ("release/.hidden", "starts with '.'"),
        ("a.lock/b", "ends with '.lock'"),
        ("a//b", "'//'"),
        ("a~b", "'~'"),
        ("a^b", "'^'"),
        ("a:b", "':'"),
        ("a\\b", "'\\\\'"),
        ("@{x}", "'@{'"),
    ],
    ids=lambda argument: repr(argument)[:20] if isinstance(argument, str) else None,
)
def test_invalid_branch_pattern_is_explained(pattern: str, message: str) -> None:
    error = branch_pattern_error(pattern)

    assert error is not None
    assert message in error


def test_valid_branch_pattern_list_has_no_errors() -> None:
    assert branch_patterns_errors(["main", "release/*"]) == []


def test_branch_pattern_errors_carry_the_index_of_each_invalid_pattern() -> None:
    errors = branch_patterns_errors(["main", "a b", "release/*", "", "x..y"])

    assert [index for index, _ in errors] == [1, 3, 4]
    assert errors[1] == (3, "A branch pattern must not be empty.")


def test_at_most_fifty_branch_patterns_are_allowed() -> None:
    patterns = [f"branch-{number}" for number in range(MAX_BRANCH_PATTERNS)]

    assert MAX_BRANCH_PATTERNS == 50
    assert branch_patterns_errors(patterns) == []


def test_more_than_fifty_branch_patterns_is_an_error_of_the_first_one_too_many() -> None:
    patterns = [f"branch-{number}" for number in range(MAX_BRANCH_PATTERNS + 1)]

    errors = branch_patterns_errors(patterns)

    assert errors == [(MAX_BRANCH_PATTERNS, "At most 50 branch patterns are allowed, not 51.")]


def test_too_many_branch_patterns_still_reports_each_invalid_one() -> None:
    patterns = ["main"] * MAX_BRANCH_PATTERNS + ["a..b"]

    errors = branch_patterns_errors(patterns)

    assert [index for index, _ in errors] == [MAX_BRANCH_PATTERNS, MAX_BRANCH_PATTERNS]
