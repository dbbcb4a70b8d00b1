"""Editing plans and actions: create, edit, delete, assign people, move target dates, hand over."""
