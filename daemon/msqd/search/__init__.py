"""Search: reading queries, the explicit filter language, and (later) ranking."""
