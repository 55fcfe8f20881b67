"""The office's rules: plain functions `(session, ..., *, now)` that apply them, flush and never commit."""
