"""Settings: every one can be given as a ``KITSU_LOCAL_<NAME>`` environment variable.

The data dir comes from platformdirs (``user_data_dir("kitsu-local")``) unless
``KITSU_LOCAL_DATA_DIR`` is set; the SQLite file, the file store and the secret key live there.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "KITSU_LOCAL_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("kitsu-local")))
    # Overrides the embedded SQLite file (e.g. postgresql+asyncpg://... for a bigger studio).
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    # Read from <data_dir>/secret_key (created on first start) when not given.
    secret_key: str | None = None

    # Zou's data set used by init (3d, 2d, vfx, games).
    init_data_domain: str = "3d"
    nb_records_per_page: int = 100
    user_limit: int = 100
    min_password_length: int = 8
    bcrypt_rounds: int = 12
    protected_accounts: str = ""  # semicolon separated e-mails
    default_timezone: str = "Europe/Paris"
    default_locale: str = "en_US"
    self_registration: bool = False

    # Token lifetimes and the failed-login lockout, as hard-coded in Zou.
    access_token_lifetime_seconds: int = 7 * 24 * 3600
    refresh_token_lifetime_seconds: int = 15 * 24 * 3600
    login_max_failed_attempts: int = 5
    login_lockout_seconds: int = 60
    reset_token_lifetime_seconds: int = 2 * 3600
    email_otp_lifetime_seconds: int = 5 * 60

    enforce_2fa: bool = False
    two_fa_exempt_users: str = ""  # semicolon separated e-mails

    # Public address, used in links sent by mail and as the FIDO relying party.
    domain_name: str = "localhost:8080"
    domain_protocol: str = "http"

    # Mail: nothing is sent unless mail_server is set (the desktop default).
    mail_server: str | None = None
    mail_port: int = 25
    mail_username: str | None = None
    mail_password: str | None = None
    mail_use_tls: bool = False
    mail_use_ssl: bool = False
    mail_default_sender: str = "no-reply@kitsu-local"
    # A request waiting on an unreachable SMTP server gives up after this delay.
    mail_timeout_seconds: float = 10.0

    cors_allowed_origins: str = ""

    # Background processing of previews.
    job_workers: int = 1
    job_nice: int = 10  # scheduling priority of the workers (0 = same as requests)
    job_max_attempts: int = 3  # a job that keeps crashing the server ends failed
    job_shutdown_seconds: float = 60  # how long `serve` waits for a running job when stopping
    preview_save_source_file: bool = False  # keep uploaded movies as movies/source-<id>
    # Movie bitrates (Mbit/s) of projects that set none (Zou's MOVIE_*DEF_BITRATE).
    movie_highdef_bitrate: int = 28
    movie_lowdef_bitrate: int = 6
    preview_accounts_enabled: bool = True  # persons with preview-project access (Zou's default)
    preview_folder: Path | None = None  # the file store; <data_dir>/previews by default
    # Debug: answer an X-Query-Count header (SQL statements the request ran). Off in production.
    count_queries: bool = False

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'kitsu.db'}"

    @property
    def file_store_root(self) -> Path:
        return self.preview_folder or self.data_dir / "previews"

    @cached_property
    def signing_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = key_file.with_suffix(".tmp")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            tmp.replace(key_file)
        return key_file.read_text().strip()

    @property
    def protected_account_emails(self) -> set[str]:
        return _email_set(self.protected_accounts)

    @property
    def two_fa_exempt_emails(self) -> set[str]:
        return _email_set(self.two_fa_exempt_users)

    @property
    def mail_enabled(self) -> bool:
        return bool(self.mail_server)

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)


def _email_set(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(";") if item.strip()}
