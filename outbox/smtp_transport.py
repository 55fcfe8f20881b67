"""The SMTP wire under the outbox: Flask-Mail with a socket timeout, base64 UTF-8 bodies, multipart/alternative."""

import email.charset
import smtplib
from types import TracebackType

from flask_mail import Connection, Message

# Importing flask_mail (above) switched UTF-8 bodies to 8-bit for the whole process, so a Chinese line over
# 998 bytes (~333 characters) is refused by a strict server ("500 Line too long"). Put back the standard
# library's own setting (base64 bodies). It stays: flask_mail's module code runs only once per process.
email.charset.add_charset("utf-8", email.charset.SHORTEST, email.charset.BASE64, "utf-8")


class SmtpConnectionLost(Exception):
    """The server ended the session (421) or stopped answering EHLO: nothing more can go over this connection."""


class TimedConnection(Connection):
    """Flask-Mail's connection opened with a socket timeout: a stalled server raises TimeoutError, never hangs.

    Flask-Mail opens smtplib.SMTP(host, port) with no timeout; the timeout must be given to the constructor,
    because the constructor already connects and reads the greeting. It then applies to every later read/write.
    """

    def __init__(self, state, *, timeout: float):
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        """Flask-Mail's configure_host, with the timeout."""
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=self.timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Say QUIT when we can; on a broken connection just close it, so the real error is not masked by QUIT's.
        if self.host is None:
            return
        try:
            self.host.quit()
        except (smtplib.SMTPException, OSError):
            self.host.close()
        finally:
            self.host = None


class OutboxEmail(Message):
    """A Flask-Mail message whose top level is multipart/alternative (text, HTML) when it has no attachments.

    Flask-Mail wraps the alternative in a multipart/mixed of one part, which some clients show as an attachment.
    """

    def _message(self):
        message = super()._message()
        parts = message.get_payload() if message.is_multipart() else []
        if self.attachments or len(parts) != 1 or parts[0].get_content_subtype() != "alternative":
            return message
        alternative = parts[0]
        for name, value in message.raw_items():  # raw: parsing each header under policy.SMTP is slow
            if name.lower() not in ("content-type", "mime-version"):
                alternative[name] = value
        alternative.policy = message.policy
        return alternative


def smtp_answer(error: smtplib.SMTPException) -> tuple[int, str]:
    """The server's reply code and text carried by an smtplib error (for one-recipient messages)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    else:
        code, text = error.smtp_code, error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return int(code), " ".join(str(text).split())
