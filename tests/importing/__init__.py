"""Tests of importing/: reading workbooks, import plans, templates, downloads and safe exports."""
