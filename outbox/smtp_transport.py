"""The SMTP wire under the outbox: Flask-Mail with a socket timeout, base64 UTF-8 bodies, multipart/alternative."""

import base64
import email.charset
import functools
import random
import smtplib
import sys
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from types import TracebackType

from flask_mail import Connection, Message, sanitize_address

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


_BOUNDARY_RANDOM = random.Random()  # nosec B311 (a MIME boundary, as the email package makes them; not a secret)


@functools.lru_cache(maxsize=8)
def sender_address(sender) -> str:
    """The From header's value of the (one, configured) sender, encoded once."""
    return sanitize_address(sender)


@functools.lru_cache(maxsize=8)
def envelope_sender(sender) -> str:
    """The (one, configured) sender's bare address, for MAIL FROM."""
    return sender[1] if isinstance(sender, tuple) else parseaddr(sender)[1]


@functools.lru_cache(maxsize=8)
def date_header(date: float) -> str:
    """The Date header of a run's messages (they all carry the run's `now`), formatted once."""
    return formatdate(date, localtime=True)


# What email.header does with UTF-8 text (the charset set above: the shorter of base64 and Q per header): a byte
# costs 1 character in Q when it is one of these (a space becomes "_"), else 3 ("=XX").
_Q_PLAIN = b"-!*+/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 "
_Q_COST = tuple(1 if octet in _Q_PLAIN else 3 for octet in range(256))
_Q_TEXT = tuple(("_" if octet == 32 else chr(octet)) if octet in _Q_PLAIN else f"={octet:02X}" for octet in range(256))
# Header's lines are 78 characters (77 after the first, less the folding space), less the chrome of
# "=?utf-8?b?...?=" (12): 66 and 65 encoded characters, so at most 48 bytes of text in every base64 word.
_FIRST_WORD, _NEXT_WORD, _BASE64_BYTES = 78 - 12, 77 - 12, 48


def _base64_words(data: bytes) -> list[bytes]:
    """The text's UTF-8 bytes cut into words of at most 48 bytes, never inside a character."""
    words, start = [], 0
    while start < len(data):
        end = min(start + _BASE64_BYTES, len(data))
        while end < len(data) and 0x80 <= data[end] < 0xC0:  # a continuation byte: cut before its character
            end -= 1
        words.append(data[start:end])
        start = end
    return words


def _q_words(text: str) -> list[bytes]:
    """The text cut into words whose Q encoding fits the lines, character by character, as email.header cuts it."""
    words: list[bytes] = []
    word: list[str] = []
    size, limit = 0, _FIRST_WORD
    for character in text:
        cost = _Q_COST[ord(character)] if character.isascii() else 3 * len(character.encode("utf-8"))
        if size + cost > limit and word:
            words.append("".join(word).encode("utf-8"))
            word, size, limit = [], 0, _NEXT_WORD
        word.append(character)
        size += cost
    words.append("".join(word).encode("utf-8"))
    return words


def encode_header_text(text: str) -> str:
    """Header(text, "utf-8").encode(), made directly (a fifth of the time): the same encoded words, folded alike.

    The words are cut where email.header cuts them: the most characters whose encoding fits each line.
    """
    if not text:
        return ""
    if text.splitlines() != [text]:  # a line break of any kind: leave it to email.header
        return Header(text, "utf-8").encode()
    data = text.encode("utf-8")
    q_length = 3 * len(data) - 2 * (len(data) - len(data.translate(None, _Q_PLAIN)))
    if (len(data) + 2) // 3 * 4 < q_length:
        return "\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in _base64_words(data))
    return "\n ".join("=?utf-8?q?" + "".join(map(_Q_TEXT.__getitem__, word)) + "?=" for word in _q_words(text))


def subject_header(subject: str) -> str:
    """flask_mail.sanitize_subject(subject), made directly: ASCII as it is, anything else in encoded words."""
    return subject if subject.isascii() else encode_header_text(subject)


def address_header(name: str, address: str) -> str:
    """flask_mail.sanitize_address((name, address)) for an ASCII address, made directly."""
    return formataddr((encode_header_text(name), address))


def _body_part(text: str, subtype: str) -> bytes:
    """A text part as MIMEText(text, subtype, "utf-8") writes it under policy.SMTP: base64 lines of 76, CRLF."""
    encoded = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode("ascii") + encoded


def wire_bytes(
    *, sender, recipient: tuple[str, str], subject: str, text: str, html: str | None, date: float, message_id: str
) -> bytes | None:
    """The bytes OutboxEmail(...).as_bytes() sends, made directly (a tenth of the time), or None when the message
    is not a plain case (a newline in a header, a non-ASCII address): then it goes through Flask-Mail as before.

    Same structure and headers: text/plain alone, or multipart/alternative (text, HTML), UTF-8 bodies in base64,
    RFC 2047 names and subject, Date and Message-ID; lines end in CRLF.
    """
    if isinstance(sender, list):
        sender = tuple(sender)
    sender_name, from_address = sender if isinstance(sender, tuple) else ("", sender)
    fields = (sender_name or "", from_address, recipient[0], recipient[1], subject)
    if any("\r" in field or "\n" in field for field in fields) or not (from_address + recipient[1]).isascii():
        return None
    headers = []
    if subject:
        headers.append(f"Subject: {subject_header(subject)}")
    headers.append(f"From: {sender_address(sender)}")
    headers.append(f"To: {address_header(recipient[0], recipient[1])}")
    headers.append(f"Date: {date_header(date)}")
    headers.append(f"Message-ID: {message_id}")
    tail = "\r\n".join(headers).replace("\n ", "\r\n ").replace("\r\r\n", "\r\n")
    if not html:
        return _body_part(text, "plain").replace(b"\r\n\r\n", ("\r\n" + tail + "\r\n\r\n").encode("ascii"), 1)
    boundary = "=" * 15 + f"{_BOUNDARY_RANDOM.randrange(sys.maxsize):019d}" + "=="
    head = f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\nMIME-Version: 1.0\r\n{tail}\r\n\r\n'
    separator = f"\r\n--{boundary}\r\n".encode("ascii")
    return b"".join(
        (
            head.encode("ascii"),
            separator[2:],
            _body_part(text, "plain"),
            separator,
            _body_part(html, "html"),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        )
    )


def smtp_answer(error: smtplib.SMTPException) -> tuple[int, str]:
    """The server's reply code and text carried by an smtplib error (for one-recipient messages)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    else:
        code, text = error.smtp_code, error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return int(code), " ".join(str(text).split())
