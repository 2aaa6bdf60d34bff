"""The REST API of the original specification (/api/0/, Django REST Framework's conventions): thin
handlers that parse a body with pydantic models, call the function the GraphQL mutation or query calls,
and serialize its result."""
