"""Roles and the scopes they grant (as in Sentry), and how API tokens are made and recognized."""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Iterable

from .tables import Role

TOKEN_PREFIX = "ais_"


class Scope(enum.Enum):
    ORG_READ = "org:read"
    PROJECT_READ = "project:read"
    PROJECT_ADMIN = "project:admin"
    ORG_ADMIN = "org:admin"


class Permission(enum.Enum):
    """What a request may do in an organization. Reads and writes ask the same table, PERMISSION_SCOPES,
    for the scope each needs: the one home of the access policy; only how a refusal is answered differs
    (an error of the field read, a userError at the input of the write)."""

    READ_ORGANIZATION = "read the organization's settings"
    READ_PROJECTS = "read the organization's projects and repositories"
    READ_AUDIT_LOG = "read the organization's audit log"
    ADMINISTER_ORGANIZATION = "change the organization's settings and locks"
    ADMINISTER_PROJECTS = "change projects' settings and repositories"


PERMISSION_SCOPES: dict[Permission, Scope] = {
    Permission.READ_ORGANIZATION: Scope.ORG_READ,
    Permission.READ_PROJECTS: Scope.PROJECT_READ,
    Permission.READ_AUDIT_LOG: Scope.ORG_READ,
    Permission.ADMINISTER_ORGANIZATION: Scope.ORG_ADMIN,
    Permission.ADMINISTER_PROJECTS: Scope.PROJECT_ADMIN,
}

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.MEMBER: frozenset({Scope.ORG_READ, Scope.PROJECT_READ}),
    Role.ADMIN: frozenset({Scope.ORG_READ, Scope.PROJECT_READ, Scope.PROJECT_ADMIN}),
    Role.OWNER: frozenset(Scope),
}


def granted_scopes(role: Role, token_scopes: Iterable[str] | None) -> frozenset[Scope]:
    """What a token may do: its user's role's scopes, narrowed to the token's own scopes if it has any.
    Computed per request, so a changed role takes effect at once."""
    role_scopes = ROLE_SCOPES[role]
    if token_scopes is None:
        return role_scopes
    return role_scopes & {Scope(scope) for scope in token_scopes}


def new_token_secret() -> str:
    """A new token: 256 random bits, prefixed so that secret scanners and people recognize it."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # A fast hash is right here: the secret has 256 bits of entropy, so there is nothing to brute-force,
    # and looking the hash up by an index compares no secret byte by byte.
    return hashlib.sha256(token.encode()).hexdigest()
