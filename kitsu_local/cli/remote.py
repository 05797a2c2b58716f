"""``kitsu-local remote add/list/remove``: the central Kitsu instances this one syncs with.

``add`` logs in once (password, then a 2FA code if the account has one) and keeps only the
session's refresh token in ``<data_dir>/remotes.json`` (mode 600); ``remove`` signs that
session out on the remote when it can be reached.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from ..settings import Settings

if TYPE_CHECKING:  # the sync package (httpx) loads when a command runs
    from ..sync.remote import RemoteError
    from ..sync.remotes import Remote

LOGIN_RETRIES = 2  # interactive: say "cannot reach" after a few seconds, not a minute
LOGOUT_TIMEOUT = 5.0
CODE_PROMPTS = {
    "totp": "Two-factor code from your authenticator app (or a recovery code)",
    "email_otp": "Two-factor code sent to you by e-mail (or a recovery code)",
    "recovery_code": "One of your two-factor recovery codes",
}


@click.group()
def remote() -> None:
    """The remote Kitsu (Zou or kitsu-local) servers this one syncs with."""


@remote.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--email", required=True, help="Your login on the remote Kitsu.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--force", is_flag=True, help="Replace a remote of the same name.")
def add(name: str, url: str, email: str, password_stdin: bool, force: bool) -> None:
    """Log in to a Kitsu and remember it as NAME.

    URL is the address of the Kitsu (or of its API). Only the session is kept: the password
    is not stored.
    """
    from ..sync.remote import RemoteError, RemoteUnavailable
    from ..sync.remotes import check_name, save_remote

    settings = Settings()
    try:
        check_name(name)
        existing = _remotes(settings)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if name in existing and not force:
        raise click.ClickException(
            f"A remote named {name!r} exists already ({existing[name].url}). "
            "Use --force to replace it, or choose another name."
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on standard input.")
    else:
        password = click.prompt(f"Password for {email}", hide_input=True)

    try:
        added, who = asyncio.run(_log_in(name, url, email, password))
    except RemoteUnavailable as error:
        raise click.ClickException(
            f"Cannot reach {url}: {_cause(error)}. Check the address and the network."
        ) from None
    except RemoteError as error:  # RemoteDenied included: a refused login
        reason = error.message.rstrip(".")
        raise click.ClickException(f"Could not log in to {url}: {reason}.") from None
    save_remote(settings, added)
    click.echo(f"Logged in to {added.url} as {who}.")
    click.echo(f"Remote {name!r} saved (your password is not stored).")


@remote.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the remotes as JSON.")
def list_remotes(as_json: bool) -> None:
    """The remotes set up here."""
    remotes = _remotes(Settings())
    if as_json:
        click.echo(json.dumps([item.public() for item in remotes.values()], indent=2))
        return
    if not remotes:
        click.echo("No remote yet. Add one with: kitsu-local remote add NAME URL --email E")
        return
    width = max(len(name) for name in remotes)
    for item in remotes.values():
        added = item.added_at.replace("T", " ")[:16]
        click.echo(f"{item.name:<{width}}  {item.url}  {item.email}  added {added} UTC")


@remote.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Forget the remote NAME.

    Its session is also signed out on the remote, when the remote can be reached.
    """
    from ..sync.remotes import RemotesFileError, UnknownRemote, remove_remote

    settings = Settings()
    try:
        signed_out = asyncio.run(_log_out(settings, name))
        removed = remove_remote(settings, name)
    except (UnknownRemote, RemotesFileError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Removed the remote {name!r} ({removed.url}).")
    if not signed_out:
        click.echo("Its session could not be signed out on the remote; it will expire by itself.")


# ---- helpers --------------------------------------------------------------------------------
def _remotes(settings: Settings) -> dict[str, Remote]:
    from ..sync.remotes import RemotesFileError, load_remotes

    try:
        return load_remotes(settings)
    except RemotesFileError as error:
        raise click.ClickException(str(error)) from None


async def _log_in(name: str, url: str, email: str, password: str) -> tuple[Remote, str]:
    from ..sync.remote import RemoteClient
    from ..sync.remotes import Remote, now_text

    def ask_code(kind: str) -> str:
        return click.prompt(CODE_PROMPTS.get(kind, CODE_PROMPTS["recovery_code"]))

    client = await RemoteClient.login(
        url, email, password, ask_code=ask_code, retries=LOGIN_RETRIES
    )
    async with client:
        answer = await client.get("/auth/authenticated")
    user: dict[str, Any] = (answer.get("user") if isinstance(answer, dict) else None) or {}
    added = Remote(
        name=name,
        url=client.api_url,
        email=user.get("email") or email,
        refresh_token=client.refresh_token or "",
        person_id=user.get("id"),
        added_at=now_text(),
    )
    return added, _who(user, email)


async def _log_out(settings: Settings, name: str) -> bool:
    """Best effort: revoke the stored session (Zou's logout revokes the refresh token paired
    with a refreshed access token)."""
    from ..sync.remote import RemoteError
    from ..sync.remotes import connect

    client = await connect(settings, name, retries=0, timeout=LOGOUT_TIMEOUT)
    async with client:
        try:
            await client.get("/auth/logout")
        except RemoteError:
            return False
    return True


def _who(user: dict[str, Any], email: str) -> str:
    full_name = user.get("full_name") or " ".join(
        part for part in (user.get("first_name"), user.get("last_name")) if part
    )
    role = f", {user['role']}" if user.get("role") else ""
    return f"{full_name} <{user.get('email') or email}>{role}" if full_name else f"{email}{role}"


def _cause(error: RemoteError) -> str:
    """The reason of a failure without the method and address (already in the sentence)."""
    return error.message.split(": ", 1)[-1]
