"""The client's API methods, one mixin per topic (auth, with get_me; messages; updates)."""
