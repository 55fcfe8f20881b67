"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port), with faults to inject.

Use it from a test module:

    from tests.smtp import smtp_server_fixture  # noqa: F401  (provides the `smtp_server` fixture)

    @pytest.fixture
    def app_config(migrated_database, smtp_server):
        return make_config(migrated_database, **smtp_server.mail_config(MAIL_TIMEOUT=2))

    def test_something(app, smtp_server):
        ...  # queue and deliver
        (mail,) = smtp_server.wait_for(1)
        assert mail.rcpt_tos == ["zhang@example.org"] and "截止" in mail.text

Faults: `fail_next(n, code=451)` answers the next n messages with an error, then accepts again;
`refuse(address)` answers 550 at RCPT for that recipient; `hang(seconds)` stalls the next message's DATA
(longer than the client's timeout); `slow(seconds)` makes every message take that long after it is stored
(so a test can kill a client mid-run); `closed_port()` gives a port where connections are refused.
The server is strict like a real MTA: a line over 998 bytes gets "500 Line too long" (aiosmtpd's default).
"""

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cached_property

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class ReceivedMail:
    """One message the server accepted: the envelope, the raw bytes and (parsed on first use) the message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes = field(repr=False)
    connection: int  # which SMTP connection (1, 2, ...) carried it

    @cached_property
    def message(self) -> EmailMessage:
        """The parsed message (parsed here, not in the server's thread, which would slow every sender down)."""
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    def header(self, name: str) -> str:
        """A header, decoded (RFC 2047 encoded words resolved); '' when absent."""
        value = self.message.get(name)
        return str(value) if value is not None else ""

    def _body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None:
            return ""
        return part.get_content().replace("\r\n", "\n")

    @property
    def subject(self) -> str:
        """The decoded subject."""
        return self.header("Subject")

    @property
    def text(self) -> str:
        """The text/plain body, decoded, with CRLF normalised to LF."""
        return self._body("plain")

    @property
    def html(self) -> str:
        """The text/html body, decoded, with CRLF normalised to LF."""
        return self._body("html")


class _Handler:
    """aiosmtpd hooks: store accepted messages, answer with the faults the test asked for."""

    def __init__(self, server: "SMTPTestServer"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.server._refusals.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        hang, failure = self.server._take_fault()
        if hang:
            await asyncio.sleep(hang)  # the client has given up by now; the message counts as not received
            return "451 4.4.2 Timed out"
        if failure:
            return failure
        self.server._store(session, envelope)
        if self.server.delay:
            # Stored first, answered later: a client killed in between has sent the message but never saw the 250.
            await asyncio.sleep(self.server.delay)
        return "250 2.0.0 Message accepted"


class _CountingSMTP(SMTP):
    """aiosmtpd's protocol, numbering each new connection."""

    def __init__(self, handler, counter, **kwargs):
        super().__init__(handler, **kwargs)
        self._counter = counter

    def connection_made(self, transport):
        super().connection_made(transport)
        self.session.connection_number = self._counter()


class _Controller(Controller):
    """A Controller on port 0 that learns its real port before its own start-up check connects."""

    def __init__(self, handler, counter, **kwargs):
        super().__init__(handler, hostname="127.0.0.1", port=0, **kwargs)
        self._counter = counter

    def factory(self):
        return _CountingSMTP(self.handler, self._counter, **self.SMTP_kwargs)

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPTestServer:
    """A running SMTP server: `messages` it accepted, `connections` it saw, and faults to inject."""

    host = "127.0.0.1"

    def __init__(self):
        self.messages: list[ReceivedMail] = []
        self.rejected = 0  # messages answered with an injected failure or hang
        self.connections = 0
        self.delay = 0.0  # seconds between storing a message and answering 250
        self._condition = threading.Condition()
        self._faults: list[tuple[float, str | None]] = []  # per coming message: (hang seconds, failure answer)
        self._refusals: dict[str, str] = {}
        self._controller = _Controller(_Handler(self), self._count_connection)

    # ----- life cycle ------------------------------------------------------------------------------------------
    def start(self) -> "SMTPTestServer":
        """Start listening; the start-up self-check connection is not counted."""
        self._controller.start()
        with self._condition:
            self.connections = 0
        return self

    def stop(self) -> None:
        """Stop listening (connections to the port are then refused)."""
        self._controller.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._controller.port

    def mail_config(self, **overrides) -> dict:
        """App settings that send to this server for real (MAIL_* are read once, when the app is built)."""
        return {
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_TIMEOUT": 2,
            **overrides,
        }

    # ----- faults ----------------------------------------------------------------------------------------------
    def fail_next(self, count: int = 1, code: int = 451, text: str | None = None, *, after: int = 0) -> None:
        """Accept `after` more messages, then answer the next `count` messages' DATA with `code` (451: try later;
        5xx: refused; 421: the session ends, as smtplib closes it), then accept again."""
        answer = f"{code} {text or ('4.3.0 Try again later' if code < 500 else '5.7.1 Message refused')}"
        with self._condition:
            self._faults.extend([(0, None)] * after + [(0, answer)] * count)

    def refuse(self, address: str, code: int = 550, text: str = "5.1.1 Mailbox unavailable") -> None:
        """Answer RCPT TO for `address` with `code` (550 by default), for the rest of the test."""
        with self._condition:
            self._refusals[address.lower()] = f"{code} {text}"

    def hang(self, seconds: float = 10.0, *, after: int = 0) -> None:
        """Accept `after` more messages, then stall the next one at the end of DATA for `seconds`.

        Make `seconds` longer than the client's MAIL_TIMEOUT; the stalled message is not stored.
        """
        with self._condition:
            self._faults.extend([(0, None)] * after + [(seconds, None)])

    def slow(self, seconds: float) -> None:
        """Answer every message `seconds` after storing it (a slow server, so a kill lands mid-run)."""
        self.delay = seconds

    def reset(self) -> None:
        """Forget received messages, counters and pending faults."""
        with self._condition:
            self.messages.clear()
            self._faults.clear()
            self._refusals.clear()
            self.rejected = self.connections = 0

    # ----- what arrived ----------------------------------------------------------------------------------------
    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """Wait until at least `count` messages were accepted, and return them all; AssertionError on timeout."""
        with self._condition:
            arrived = self._condition.wait_for(lambda: len(self.messages) >= count, timeout)
            assert arrived, f"expected {count} messages, the server accepted {len(self.messages)}"
            return list(self.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        """The accepted messages whose envelope recipients include `address`."""
        with self._condition:
            return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    # ----- called from the server's thread ---------------------------------------------------------------------
    def _count_connection(self) -> int:
        with self._condition:
            self.connections += 1
            return self.connections

    def _take_fault(self) -> tuple[float, str | None]:
        with self._condition:
            hang, failure = self._faults.pop(0) if self._faults else (0, None)
            self.rejected += bool(hang or failure)
            return hang, failure

    def _store(self, session, envelope) -> None:
        mail = ReceivedMail(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            raw=envelope.original_content,
            connection=getattr(session, "connection_number", 0),
        )
        with self._condition:
            self.messages.append(mail)
            self._condition.notify_all()


@contextlib.contextmanager
def closed_port():
    """A local port where connections are refused: bound (so nobody else takes it) but not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(name="smtp_server")
def smtp_server_fixture():
    """`smtp_server`: a real SMTP server for this test, stopped afterwards.

    Import it as `smtp_server_fixture` and ask for `smtp_server`: the different name keeps ruff's F811 quiet.
    """
    server = SMTPTestServer().start()
    try:
        yield server
    finally:
        server.stop()
