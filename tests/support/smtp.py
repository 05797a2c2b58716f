"""A real SMTP server for the tests (aiosmtpd, in its own thread) that keeps what it receives."""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from .server import free_port


class SmtpSink:
    """``with SmtpSink() as smtp:`` listens on 127.0.0.1:``smtp.port``; ``smtp.wait_for(to)``
    returns the next message for that address."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

    # aiosmtpd handler hook, called in the server thread for each accepted message.
    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, recipient: str, timeout: float = 10) -> EmailMessage:
        """Take the oldest unread message sent to ``recipient`` (waits for it)."""
        with self._arrived:
            found = self._arrived.wait_for(lambda: self._find(recipient), timeout)
            if not found:
                raise AssertionError(f"no mail for {recipient} within {timeout} s")
            self.messages.remove(found)
            return found

    def _find(self, recipient: str) -> EmailMessage | None:
        return next((item for item in self.messages if item["To"] == recipient), None)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()
