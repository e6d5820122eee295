"""Settings: one frozen dataclass read from the environment once per process."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _networks(name: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks; a mistake stops the start, not every request later."""
    items = tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{name}: {item!r} is not an IP address or network") from None
    return items


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data directory.

    Several app instances must share one key (set SECRET_KEY); a single county PC keeps its own file.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool
    secure_cookies: bool
    session_idle_minutes: int
    session_absolute_hours: int
    login_max_failures_per_account: int
    login_max_failures_per_address: int
    login_window_minutes: int
    # Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For is believed; empty: nobody's,
    # so a client cannot pick the address that login and complaint throttling count it under.
    trusted_proxies: tuple[str, ...]
    argon2_time_cost: int
    argon2_memory_kib: int
    page_size: int
    run_scheduler_in_web: bool
    timezone: str
    public_url: str
    smtp_host: str
    smtp_port: int
    smtp_from: str
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    templates_dir: Path
    locales_dir: Path
    static_dir: Path

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
    default_db = f"sqlite:///{data_dir / 'export_mgmt.sqlite3'}"
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or default_db,
        secret_key=_secret_key(data_dir),
        debug=_bool("DEBUG", False),
        secure_cookies=_bool("SECURE_COOKIES", False),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12),
        login_max_failures_per_account=_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        login_max_failures_per_address=_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        login_window_minutes=_int("LOGIN_WINDOW_MINUTES", 15),
        trusted_proxies=_networks("TRUSTED_PROXIES"),
        argon2_time_cost=_int("ARGON2_TIME_COST", 3),
        argon2_memory_kib=_int("ARGON2_MEMORY_KIB", 65536),
        page_size=_int("PAGE_SIZE", 50),
        run_scheduler_in_web=_bool("RUN_SCHEDULER_IN_WEB", False),
        timezone=os.environ.get("TIMEZONE", "Asia/Shanghai"),
        public_url=os.environ.get("PUBLIC_URL", ""),
        # E-mail for notifications: off unless SMTP_HOST is set.
        smtp_host=os.environ.get("SMTP_HOST", ""),
        smtp_port=_int("SMTP_PORT", 25),
        smtp_from=os.environ.get("SMTP_FROM", "export-mgmt@localhost"),
        smtp_user=os.environ.get("SMTP_USER", ""),
        smtp_password=os.environ.get("SMTP_PASSWORD", ""),
        smtp_starttls=_bool("SMTP_STARTTLS", False),
        templates_dir=BASE_DIR / "templates",
        locales_dir=BASE_DIR / "locales",
        static_dir=BASE_DIR / "static",
    )


@cache
def get_settings() -> Settings:
    return load_settings()
