"""Every limit of the API, in one place: what a page holds, how many targets one call takes, how long each
kind of text may be, and the defaults of the limits on one request (which the configuration may change).
Descriptions, messages and the README state these numbers; the code writes none of them as a literal.
Imports nothing: every layer reads it."""

from __future__ import annotations

# Pages: `first` when none is given, and the most a page holds (more is an error, never a silent cap).
DEFAULT_PAGE_SIZE = 100
MAX_PROJECTS_PAGE = 1000
MAX_REPOSITORIES_PAGE = 100
MAX_AUDIT_PAGE = 500
MAX_ORGANIZATIONS_PAGE = 100
# The REST API's lists (`per_page`, as in Sentry's API): its default and its maximum.
MAX_REST_PAGE = 100

# Targets of one call: ids of `nodes`, projects or repositories of a bulk mutation, slugs of a filter.
MAX_NODE_IDS = 1000
MAX_BULK_ITEMS = 1000
MAX_FILTER_SLUGS = 1000
MAX_REPOSITORY_REFERENCES = 100

# Text: generous for real use, and short enough that no request makes a database work on megabytes (a
# search is a LIKE pattern, whose cost grows with its length; SQLite refuses patterns over 50,000 bytes).
# Organizations' and projects' short names: letters, digits, '.', '-' and '_'.
MAX_SLUG_LENGTH = 100
# Organizations' and projects' display names.
MAX_NAME_LENGTH = 200
MAX_LOGIN_LENGTH = 100
MAX_SEARCH_LENGTH = 200
# A UUID, as audit_entry.batch_id holds.
MAX_BATCH_ID_LENGTH = 36
MAX_CLIENT_MUTATION_ID_LENGTH = 100
MAX_GLOBAL_ID_LENGTH = 100
MAX_REPOSITORY_NAME_LENGTH = 255
MAX_BRANCH_PATTERNS = 50
MAX_BRANCH_PATTERN_LENGTH = 255
# The text a cursor holds (a project's slug or name). The longest cursor made of it: JSON holding at most
# MAX_CURSOR_TEXT characters of text, each at most 6 bytes once escaped (\u001f), and less than 100 bytes
# of kind, ids and punctuation, in base64 (4 characters for every 3 bytes).
MAX_CURSOR_TEXT = 1000
MAX_CURSOR_LENGTH = (6 * MAX_CURSOR_TEXT + 100 + 2) // 3 * 4

# One request (the defaults of the AISETTINGS_MAX_* variables, and of the body's size).
MAX_QUERY_DEPTH = 15
MAX_ALIASES = 30
MAX_TOKENS = 10_000
MAX_SELECTIONS = 300
MAX_NODES = 250_000
MAX_BODY_BYTES = 1_048_576
# How deep `variables` and `extensions` may nest: the schema's deepest input is 4 levels; orjson writes at
# most 255 (the response cache's key), and graphql-core's coercion and our text check recurse in Python.
MAX_PARAMETER_DEPTH = 32

# The settings page's reports of its saves (recordSettingsSaved), per browser session or API token: more
# than a person saves, few enough that a script cannot flood the analytics events. The time a save took
# is at most a day (a draft older than a session is no measure of configuring).
MAX_SAVE_REPORTS = 30
SAVE_REPORTS_WINDOW_SECONDS = 600
MAX_TIME_TO_COMPLETE_MILLISECONDS = 86_400_000
