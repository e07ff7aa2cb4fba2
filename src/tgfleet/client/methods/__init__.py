"""The client's API methods, one mixin per topic (auth, users, messages, updates)."""
