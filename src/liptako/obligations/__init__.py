"""The charter applied to the registry: facts, determinations, classifications, duties."""
