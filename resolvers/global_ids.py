"""Opaque global ids: base64url("Type:primary key"), as Relay's Node interface expects."""

from __future__ import annotations

import base64
import binascii

from aisettings.models.limits import MAX_GLOBAL_ID_LENGTH
from aisettings.models.tables import is_primary_key

from .errors import BadUserInput

NODE_TYPES = ("Organization", "Project", "Repository", "AuditEntry")
# Far above the longest id `encode_global_id` makes (32 characters): a longer one names nothing, and is
# refused before it is decoded or repeated in a message.


# base64's url-safe alphabet from the standard one. encode_global_id calls binascii as
# base64.urlsafe_b64encode does, without its two layers of calls: a tree makes 4000 ids.
_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def encode_global_id(type_name: str, primary_key: int) -> str:
    encoded = binascii.b2a_base64(f"{type_name}:{primary_key}".encode(), newline=False)
    return encoded.translate(_URL_SAFE).rstrip(b"=").decode()


def quoted_id(global_id: str) -> str:
    """The id for a message: quoted, or only its length when it is too long to be one of ours."""
    return repr(global_id) if len(global_id) <= MAX_GLOBAL_ID_LENGTH else f"of {len(global_id)} characters"


def decode_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; BadUserInput when it is not one of ours."""
    if len(global_id) > MAX_GLOBAL_ID_LENGTH:
        raise BadUserInput(
            f"A global id is at most {MAX_GLOBAL_ID_LENGTH} characters long, not {len(global_id)}."
        )
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, key = base64.urlsafe_b64decode(padded.encode("ascii")).decode().partition(":")
        primary_key = int(key)
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(f"{global_id!r} is not a valid global id.") from None
    if type_name not in NODE_TYPES or not is_primary_key(primary_key) or str(primary_key) != key:
        raise BadUserInput(f"{global_id!r} is not a valid global id.")
    return type_name, primary_key


def decode_global_id_of_type(global_id: str, expected_type: str) -> int:
    type_name, primary_key = decode_global_id(global_id)
    if type_name != expected_type:
        raise BadUserInput(f"{global_id!r} is not the id of a {expected_type}.")
    return primary_key
