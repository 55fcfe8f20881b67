"""Tests of the Flask-Admin screens: each screen, the role matrix, scopes, queries and offered actions."""
