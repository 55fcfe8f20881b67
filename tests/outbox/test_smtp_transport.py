"""The bytes the outbox sends, made directly: headers encoded as Flask-Mail encodes them, the message a client shows."""

import email
import email.policy
import random
from email.header import Header

import pytest
from flask_mail import sanitize_address, sanitize_subject

from outbox.smtp_transport import OutboxEmail, address_header, encode_header_text, subject_header, wire_bytes

SENDER = ("林业局督查室", "duban@example.org")
DATE = 1795000000.0
ALPHABET = "督查室催办通知单：〔〕号事项请按时反馈 abcXYZ012-_.,;:!?=()<>@\"'/é😀\t"


def random_texts(count: int, seed: int = 13) -> list[str]:
    """Texts of 0–150 characters mixing Chinese, ASCII, punctuation, tabs and emoji (so both Q and base64 win)."""
    chooser = random.Random(seed)  # nosec B311 (test data)
    return ["".join(chooser.choice(ALPHABET) for _ in range(chooser.randrange(0, 150))) for _ in range(count)]


def test_should_encode_header_text_exactly_as_email_header_does():
    texts = random_texts(3000) + ["", "a", "催办通知单：督〔2026〕12号事项请按时反馈", "督" * 200, "Zhang San"]
    texts += [" " * 90]
    texts += ["换行\u2028之后", "竖表\x0b符"]  # line breaks of other kinds: email.header itself does those
    for text in texts:
        assert encode_header_text(text) == Header(text, "utf-8").encode(), text


def test_should_write_subjects_and_addresses_as_flask_mail_does():
    for text in random_texts(500, seed=7) + ["Plain ASCII subject", ""]:
        assert subject_header(text) == sanitize_subject(text), text
        assert address_header(text, "zhang@example.org") == sanitize_address((text, "zhang@example.org")), text


def seen(raw: bytes) -> list:
    """What a mail client shows of a message: its decoded headers, then each part's type and decoded text."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = [(name, str(message[name])) for name in ("Subject", "From", "To", "Date", "Message-ID")]
    parts = [(part.get_content_type(), part.get_content()) for part in message.walk() if not part.is_multipart()]
    return [message.get_content_type(), headers, parts]


@pytest.mark.parametrize(
    "subject, name, html",
    [
        ("催办通知单：督〔2026〕12号事项请按时反馈", "张三", "<p>请于<b>12月1日</b>前反馈。</p>"),
        ("Reminder " * 12, "", None),
        ("督" * 120, "欧阳联络员", "<p>" + "长" * 3000 + "</p>"),
    ],
)
def test_should_send_what_flask_mail_would_send(app, subject, name, html):
    text = "张三同志：\n\n请于12月1日前反馈落实情况。\n" + "督查督办" * 400
    made = wire_bytes(
        sender=SENDER,
        recipient=(name, "zhang@example.org"),
        subject=subject,
        text=text,
        html=html,
        date=DATE,
        message_id="<abc@example.org>",
    )
    message = OutboxEmail(
        subject=subject, sender=SENDER, recipients=[(name, "zhang@example.org")], body=text, html=html, date=DATE
    )
    message.msgId = "<abc@example.org>"
    assert seen(made) == seen(message.as_bytes())
    assert max(len(line) for line in made.split(b"\r\n")) <= 998 and b"\n" not in made.replace(b"\r\n", b"")
