"""Exports: client data for a period as .xlsx files built in the background."""
