"""Compiled plans of the trusted documents (the documents of queries/ the clients send).

graphql-core completes each field of an answer through its general machinery: a path, a resolve info,
argument coercion, a completion dispatch, an await where a resolver may be async. A tree page has some
60,000 fields, and that machinery is most of its time. A trusted document's selections are known before
any request: its plan resolves them once into closures that build the answer's dicts straight from the
records the loaders and shared reads fetch (the same statements), with the same field rules (the
functions the resolvers call) and the same output coercion as graphql-core's (schema/execution.py's
completers), awaiting only where the resolvers read the database.

What a plan does not cover goes through graphql-core as before: a document or field it does not know,
variables that do not coerce, a request over a limit, text that cannot be stored, and any value or error
met while building the answer (the request then runs again from a fresh context, and graphql-core
answers it, errors included). tests/schema/test_compiled_plans.py compares both answers byte for byte.
"""

from .documents import CompiledPlans

__all__ = ["CompiledPlans"]
