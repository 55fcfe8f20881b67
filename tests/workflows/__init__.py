"""Tests of the office's rules in workflows/: lifecycle, sweep, periodic work, roster, notices, calendar."""
