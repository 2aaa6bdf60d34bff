"""The server settings the benchmarks compare, as environment variables."""

from __future__ import annotations

# Every cache of answers off: each request computed from the database (parsing, validation stay cached).
ANSWER_CACHES_OFF = {"AISETTINGS_ANSWER_CACHES": "0"}
# What an operator runs: production's defaults, observability on (request ids and errors always are).
PRODUCTION = {"AISETTINGS_ENV": "production", "AISETTINGS_METRICS": "1"}
# Everything a worker caches or completes the fast way, off: parsing, validation, answers, fast fields.
NO_CACHES_NO_FAST_PATHS = {
    **ANSWER_CACHES_OFF,
    "AISETTINGS_DOCUMENT_CACHE_SIZE": "0",
    "AISETTINGS_FAST_EXECUTION": "0",
}
