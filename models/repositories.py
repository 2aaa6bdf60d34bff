"""Pure rules about repositories: providers and their name formats, web addresses, branch-pattern
globs, and whether AI runs in a repository at all."""

from __future__ import annotations

import enum
import re

from .limits import MAX_BRANCH_PATTERN_LENGTH, MAX_BRANCH_PATTERNS, MAX_REPOSITORY_NAME_LENGTH
from .settings import SETTINGS, EffectiveSettings
from .text import is_storable


class RepositoryProvider(enum.Enum):
    GITHUB = "GITHUB"
    GITLAB = "GITLAB"
    BITBUCKET = "BITBUCKET"


class RepositoryStatus(enum.Enum):
    """Whether AI runs in a repository, and if not, why."""

    ACTIVE = "ACTIVE"
    DISABLED_BY_REPOSITORY = "DISABLED_BY_REPOSITORY"
    DISABLED_BY_SETTINGS = "DISABLED_BY_SETTINGS"


_HOSTS = {
    RepositoryProvider.GITHUB: "https://github.com",
    RepositoryProvider.GITLAB: "https://gitlab.com",
    RepositoryProvider.BITBUCKET: "https://bitbucket.org",
}

# "owner/name" as each provider spells it. GitLab allows nested groups ("group/subgroup/project").
_NAME_FORMATS = {
    RepositoryProvider.GITHUB: (
        re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}"),
        'GitHub names are "owner/repository": an owner of letters, digits and single inner hyphens '
        "(at most 39), a repository name of letters, digits, '.', '-' or '_' (at most 100).",
    ),
    RepositoryProvider.GITLAB: (
        re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}/){1,20}[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}"),
        'GitLab names are "group/project" or "group/subgroup/.../project": each part starting with a '
        "letter, digit or '_' and made of letters, digits, '_', '.' or '-'.",
    ),
    RepositoryProvider.BITBUCKET: (
        re.compile(r"[a-z0-9_-]{1,62}/[a-z0-9_.-]{1,62}"),
        "Bitbucket names are \"workspace/repository\", in lowercase letters, digits, '-' or '_' "
        "(the repository may also use '.').",
    ),
}


# Members by stored value: RepositoryProvider(value) finds them through Enum's __call__, 10x slower, and
# a tree shows 3000 repositories.
_PROVIDERS = {member.value: member for member in RepositoryProvider}


def provider_of(value: str) -> RepositoryProvider:
    """The provider stored as `value`; ValueError for a value that is none, as from RepositoryProvider()."""
    return _PROVIDERS.get(value) or RepositoryProvider(value)


def repository_url(provider: RepositoryProvider, name: str) -> str:
    return f"{_HOSTS[provider]}/{name}"


def repository_name_error(provider: RepositoryProvider, name: str) -> str | None:
    """Why `name` is not a valid repository name at `provider`, or None when it is."""
    if len(name) > MAX_REPOSITORY_NAME_LENGTH:
        return f"A repository name is at most {MAX_REPOSITORY_NAME_LENGTH} characters long."
    pattern, explanation = _NAME_FORMATS[provider]
    if pattern.fullmatch(name) is None or name.endswith((".git", ".atom")):
        return f"{name!r} is not a valid repository name. {explanation}"
    return None


def repository_status(ai_enabled: bool, project_settings: EffectiveSettings) -> RepositoryStatus:
    if not ai_enabled:
        return RepositoryStatus.DISABLED_BY_REPOSITORY
    # The settings a repository's gate covers are what AI does there (scanning, fixing): with all of them
    # off in its project, it does nothing.
    for name, off_value in SETTINGS.repository_gate.items():
        if project_settings[name].value != off_value:
            return RepositoryStatus.ACTIVE
    return RepositoryStatus.DISABLED_BY_SETTINGS


_FORBIDDEN_IN_REFS = re.compile(r"[\x00-\x20\x7f~^:\\]|\.\.|@\{|//")


def branch_pattern_error(pattern: str) -> str | None:
    """Why `pattern` is not a valid branch glob, or None when it is. The rules are git's for ref names
    (git check-ref-format), with the glob characters `*`, `**`, `?` and `[...]` allowed."""
    if not pattern:
        return "A branch pattern must not be empty."
    if len(pattern) > MAX_BRANCH_PATTERN_LENGTH:
        return f"A branch pattern must be at most {MAX_BRANCH_PATTERN_LENGTH} characters long."
    forbidden = _FORBIDDEN_IN_REFS.search(pattern)
    if forbidden is not None:
        what = (
            "whitespace or a control character"
            if forbidden.group().isspace() or forbidden.group() < " "
            else (repr(forbidden.group()))
        )
        return f"{pattern!r} contains {what}, which git does not allow in branch names."
    if not is_storable(pattern):
        return "A branch pattern must not hold an unpaired surrogate, which cannot be stored."
    if pattern.startswith("/") or pattern.endswith("/"):
        return f"{pattern!r} starts or ends with '/', which git does not allow in branch names."
    if pattern.endswith(".") or pattern == "@":
        return f"{pattern!r} ends with '.' or is '@', which git does not allow as a branch name."
    if any(part.startswith(".") or part.endswith(".lock") for part in pattern.split("/")):
        return f"{pattern!r} has a part that starts with '.' or ends with '.lock', which git does not allow."
    return _bracket_error(pattern)


def _bracket_error(pattern: str) -> str | None:
    inside = False
    for index, character in enumerate(pattern):
        if character == "[" and not inside:
            inside, start = True, index
        elif character == "]" and inside:
            if index == start + 1 or (index == start + 2 and pattern[start + 1] == "!"):
                return f"{pattern!r} has an empty character class '[]'."
            inside = False
        elif character == "]":
            return f"{pattern!r} has a ']' without its '['."
    return f"{pattern!r} has a '[' that is never closed." if inside else None


def branch_patterns_errors(patterns: list[str]) -> list[tuple[int, str]]:
    """(index of the pattern, message) for each problem; too many patterns is a problem of the first
    one too many."""
    errors: list[tuple[int, str]] = []
    if len(patterns) > MAX_BRANCH_PATTERNS:
        too_many = f"At most {MAX_BRANCH_PATTERNS} branch patterns are allowed, not {len(patterns)}."
        errors.append((MAX_BRANCH_PATTERNS, too_many))
    for index, pattern in enumerate(patterns):
        problem = branch_pattern_error(pattern)
        if problem is not None:
            errors.append((index, problem))
    return errors
