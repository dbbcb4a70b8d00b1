"""Importing an existing action plan from a spreadsheet or a pasted table (see views.py)."""
