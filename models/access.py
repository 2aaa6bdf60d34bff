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
