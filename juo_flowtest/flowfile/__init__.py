"""The flow file: its model, its step kinds, the loader that validates it, and its JSON Schema."""
