"""Mail through SMTP (zou-behaviour.md 2.7, 2.10.3): one-time codes, reset links, notices.

Nothing is sent unless ``mail_server`` is set (the desktop default). As on Zou, the routes that
mail a code or a link answer a success all the same (a refusal would tell an anonymous caller
which accounts exist); what was not sent is logged as a warning. An authenticated request for a
mail of one's own (the first e-mail OTP code) gets a 400 when the SMTP server fails.

``smtplib`` and ``email`` load with the first mail, not with the server.
"""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import BadRequest
from ..settings import Settings

if TYPE_CHECKING:
    from email.message import EmailMessage

    from ..context import Ctx

log = logging.getLogger(__name__)

MAIL_DISABLED = "No mail server is configured on this server: emails cannot be sent."
MAIL_FAILED = "The email could not be sent: the mail server is unreachable or refused it."
NO_ADDRESS = "This account has no email address."
SENDER_NAME = "Kitsu Bot"


@dataclass(frozen=True)
class Mail:
    recipient: str | None
    subject: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    link: str | None = None  # shown as a button under the paragraphs
    link_label: str = ""
    locale: str | None = None


async def mail_person(
    ctx: Ctx,
    person: dict[str, Any],
    topic: str,
    title: str,
    paragraphs: list[str],
    link: str | None = None,
    link_label: str = "",
    notice: bool = False,
) -> None:
    """Mail a person ("<organisation> - Kitsu: <topic>"); a ``notice`` is best effort."""
    from .init_data import ensure_organisation

    organisation = await ensure_organisation(ctx.conn)
    message = Mail(
        recipient=person["email"],
        subject=f"{organisation['name']} - Kitsu: {topic}",
        title=title,
        paragraphs=[f"Hello {person['first_name']},", *paragraphs],
        link=link,
        link_label=link_label,
        locale=person["locale"],
    )
    await (notify if notice else send)(ctx.settings, message)


async def send(settings: Settings, mail: Mail) -> None:
    """Deliver now; 400 with a clear message when mail is off or the SMTP exchange fails."""
    if not settings.mail_enabled:
        raise BadRequest(MAIL_DISABLED)
    if not mail.recipient:
        raise BadRequest(NO_ADDRESS)
    message = build_message(settings, mail)
    try:
        # smtplib blocks: keep the event loop free while the SMTP server answers.
        await asyncio.to_thread(_deliver, settings, message)
    except (OSError, ValueError) as error:  # smtplib.SMTPException is an OSError
        log.warning("mail to %s failed (%s): %s", mail.recipient, mail.subject, error)
        raise BadRequest(MAIL_FAILED) from None


async def notify(settings: Settings, mail: Mail) -> None:
    """Best-effort delivery: the action it reports already happened, or the answer must not
    depend on the delivery."""
    if not settings.mail_enabled or not mail.recipient:
        log.warning(
            "no mail server configured: %r to %s was not sent", mail.subject, mail.recipient
        )
        return
    try:
        await send(settings, mail)
    except BadRequest:
        log.warning("notice %r to %s was not sent", mail.subject, mail.recipient)


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import formataddr, make_msgid

    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, settings.mail_default_sender))
    message["To"] = mail.recipient or ""
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=settings.mail_default_sender.rpartition("@")[2])
    if mail.locale:
        message["Content-Language"] = mail.locale.replace("_", "-")
    text = [mail.title, "", *mail.paragraphs]
    if mail.link:
        text += ["", f"{mail.link_label}: {mail.link}"]
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(_html_body(mail), subtype="html")
    return message


def _html_body(mail: Mail) -> str:
    parts = [f"<h1>{html.escape(mail.title)}</h1>"]
    parts += [f"<p>{html.escape(paragraph)}</p>" for paragraph in mail.paragraphs]
    if mail.link:
        href = html.escape(mail.link, quote=True)
        parts.append(f'<p><a href="{href}">{html.escape(mail.link_label)}</a></p>')
    return "<!DOCTYPE html><html><body>" + "".join(parts) + "</body></html>"


def _deliver(settings: Settings, message: EmailMessage) -> None:
    import smtplib

    server = settings.mail_server or ""
    timeout = settings.mail_timeout_seconds
    smtp = (
        smtplib.SMTP_SSL(server, settings.mail_port, timeout=timeout)
        if settings.mail_use_ssl
        else smtplib.SMTP(server, settings.mail_port, timeout=timeout)
    )
    with smtp:
        if settings.mail_use_tls and not settings.mail_use_ssl:
            smtp.starttls()
        if settings.mail_username:
            smtp.login(settings.mail_username, settings.mail_password or "")
        smtp.send_message(message)
