"""Whole-office runs: a month end to end over real SMTP, the demo office, and a real browser from mail to close."""
