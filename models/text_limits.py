"""How long each kind of text may be: generous for real use, and short enough that no request makes a
database work on megabytes (a search is a LIKE pattern, whose cost grows with its length; SQLite refuses
patterns over 50,000 bytes). The API (schema/input_text.py) and the import format check against these."""

from __future__ import annotations

# Organizations' and projects' short names: letters, digits, '.', '-' and '_'.
MAX_SLUG_LENGTH = 100
# Organizations' and projects' display names.
MAX_NAME_LENGTH = 200
MAX_LOGIN_LENGTH = 100
MAX_SEARCH_LENGTH = 200
# A UUID, as audit_entry.batch_id holds.
MAX_BATCH_ID_LENGTH = 36
MAX_CLIENT_MUTATION_ID_LENGTH = 100
