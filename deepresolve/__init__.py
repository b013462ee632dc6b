"""DeepResolve."""
