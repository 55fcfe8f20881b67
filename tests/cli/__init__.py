"""Tests of the command line: init-db, create-user, database errors, and the in-process scheduler."""
