"""Miners: the list, selections and mass edits, and the spreadsheet import."""
