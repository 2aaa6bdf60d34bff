"""The GraphQL schema: Strawberry types, inputs and enums. No SQL and no rules: resolvers/ and models/
hold those."""
