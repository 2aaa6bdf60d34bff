"""Query loaders and operations: everything between the GraphQL schema and the database."""
