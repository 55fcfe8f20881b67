"""Tests of outbox/: delivery to a real SMTP server, crashes mid-run, and the public address in links."""
