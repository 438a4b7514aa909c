"""Plumbing shared by the sessions and the exams solver: geometry, calendars, progress, errors, CLI."""
