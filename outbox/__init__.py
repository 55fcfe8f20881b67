"""The mail pipeline: render a notice, queue it in the outbox, deliver it over SMTP, and the public address links carry."""
