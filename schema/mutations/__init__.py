"""The root Mutation's groups, one module each as in resolvers/mutations/: their inputs, payloads and
resolvers. schema/mutation.py assembles them."""
