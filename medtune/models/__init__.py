"""Models medtune can tune or call: a declarative registry, memory estimates and safe loading."""
