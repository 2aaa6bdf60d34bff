"""aisettings: a GraphQL API deciding what an AI assistant may do with the issues of every organization,
project and repository."""
