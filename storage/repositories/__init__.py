"""Queries, grouped by what they are about. Services call these inside their transactions."""
