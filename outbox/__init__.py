"""The mail pipeline: render a notice, queue it in the outbox, deliver it over SMTP; the public address in links."""
