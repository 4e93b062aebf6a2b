"""Use cases: load rows, call the domain, persist, commit once. No request, flash or abort here."""
