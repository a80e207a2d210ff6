"""Watcher links: a client's read-only view of its own miners (in the chat and on the web)."""
