"""The tests, laid out like the tree; shared fixtures and helpers live here at the top."""
