"""Server-side administration used by the CLI (no HTTP): the first admin account."""

from __future__ import annotations

from .. import rows
from ..app_state import AppState
from ..context import Ctx
from ..errors import ApiError
from ..models import Person
from ..settings import Settings
from .init_data import prepare_database
from .persons import create_person, find_by_login, hash_password, normalize_email


async def create_or_update_admin(
    settings: Settings, email: str, password: str, first_name: str, last_name: str
) -> bool:
    """Idempotent: creates the admin, or resets the role, activity and password of an existing
    person with that e-mail. Returns True when the person was created."""
    if len(password) < settings.min_password_length:
        raise ValueError(
            f"The password must be at least {settings.min_password_length} characters."
        )
    try:
        email = normalize_email(email)
    except ApiError as error:
        raise ValueError(error.body.get("message", "Invalid e-mail.")) from None
    state = AppState.from_settings(settings)
    try:
        await prepare_database(state)
        async with state.db.write() as conn:
            ctx = Ctx(conn=conn, state=state)
            person = await find_by_login(ctx, email)
            if person is None:
                await create_person(ctx, email, password, first_name, last_name, role="admin")
                return True
            await rows.update_row(
                conn,
                Person,
                person["id"],
                {
                    "role": "admin",
                    "active": True,
                    "password": hash_password(password, settings.bcrypt_rounds),
                    "login_failed_attemps": 0,
                },
            )
            return False
    finally:
        await state.db.dispose()
