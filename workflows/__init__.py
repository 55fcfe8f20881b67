"""Workflow operations: plain functions `(session, ..., *, now)` that apply the office's rules, flush and never commit."""
