"""Clients: the overview, cards, add and edit, contacts."""
