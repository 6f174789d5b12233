"""The one reader of the environment: every tunable that an operator may set lives here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bantin import __version__

# Politeness floor: the issue (and common crawler etiquette) asks for at least 1 s between requests to a host.
MIN_HOST_DELAY_S = 1.0
# Largest real article page in the test bed is ~2.2 MB uncompressed; 10 MiB leaves room and stops bombs.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
# Publishers answer within a few seconds; 20 s keeps one slow host from stalling a crawl cycle.
DEFAULT_DOWNLOAD_TIMEOUT_S = 20.0
# A reachable publisher accepts within a second even from abroad; 10 s rides out two lost SYNs (1 s, 3 s).
DEFAULT_CONNECT_TIMEOUT_S = 10.0
# Big Vietnamese publishers add items every few minutes; polling a feed faster than 5 min is impolite and useless.
DEFAULT_POLL_MIN_S = 300
# A provincial paper may publish only a few items a day; 6 h still sees each day's news the same day.
DEFAULT_POLL_MAX_S = 6 * 3600
# Politeness floor for the poll interval: below a minute only against loopback (tests, benchmarks, replay).
POLL_MIN_FLOOR_S = 60
# Retention (docs/principles.md, principle 3). Two years of coverage answers "what did the press say last
# year" for the annual report, and then the articles, their URLs, classifications and clusters go.
DEFAULT_RETENTION_DAYS = 730
# The fetch log serves health checks and politeness audits; a quarter covers any dispute with a publisher.
DEFAULT_FETCH_LOG_DAYS = 90
# Finished frontier rows only stop re-fetching URLs a feed still lists; feeds drop items within weeks.
DEFAULT_FRONTIER_DAYS = 30
# The audit log is kept longest (principle 3): five years, the usual term for administrative records.
DEFAULT_AUDIT_DAYS = 1825
# A browser session lasts a working day and a bit; the officer logs in again the next morning.
DEFAULT_SESSION_HOURS = 12
# API request bodies: the largest legitimate body is a note or a rule (a few KB); 1 MiB stops floods early.
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
# Failed logins allowed per account and per client address within LOGIN_WINDOW_S before further tries wait.
DEFAULT_LOGIN_MAX_FAILURES = 5
DEFAULT_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
# Requests per minute per client (token, session or address): a busy officer's browser makes a few dozen.
DEFAULT_RATE_LIMIT_PER_MINUTE = 600
# Submission port (RFC 6409) with STARTTLS: what an office's mail server or relay offers its senders.
DEFAULT_SMTP_PORT = 587
# One SMTP command's wait: servers answer in seconds; 30 s rides out a slow greeting without letting a hung
# server hold the outbox job (each message's lease is far longer: bantin.delivery.sender.LEASE).
DEFAULT_SMTP_TIMEOUT_S = 30.0
# The morning digest goes out at 07:00 Vietnam time, before the office's working day (07:30).
DEFAULT_DIGEST_HOUR = 7
# Upper bound on any retention: a century is "keep forever" for an office, and keeps cutoffs inside datetime.
MAX_RETENTION_DAYS = 36_500


class Settings(BaseSettings):
    """bantin configuration, read from ``BANTIN_*`` environment variables (and nothing else)."""

    model_config = SettingsConfigDict(env_prefix="BANTIN_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("bantin")))
    database_url: str | None = None
    allow_loopback: bool = False
    contact_url: str = "https://github.com/bantin-press-monitor/bantin#contact"
    sources_file: Path | None = None
    min_host_delay_s: float = MIN_HOST_DELAY_S
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    download_timeout_s: float = DEFAULT_DOWNLOAD_TIMEOUT_S  # the whole exchange, connecting included
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S  # capped by download_timeout_s
    province: str = "Nghệ An"
    poll_min_s: int = DEFAULT_POLL_MIN_S  # a feed that keeps bringing new items is polled this often
    poll_max_s: int = DEFAULT_POLL_MAX_S  # a quiet or failing feed is still polled at least this often
    # Processes that extract article text beside the crawler; unset: one per core (bantin.extract.workers),
    # 0: extract in the crawler process itself.
    extract_workers: int | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS  # articles, their URLs, classifications, clusters
    fetch_log_days: int = DEFAULT_FETCH_LOG_DAYS
    frontier_days: int = DEFAULT_FRONTIER_DAYS  # finished (done or given-up) frontier rows
    audit_days: int = DEFAULT_AUDIT_DAYS  # never below any other retention
    # --- the API (bantin.api) and `bantin serve` ---
    public_url: str | None = None  # https://bantin.example.gov.vn: links in emails; Secure cookies when https
    cors_origins: str = ""  # comma-separated origins allowed to call the API from a browser; empty: CORS closed
    session_hours: int = DEFAULT_SESSION_HOURS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    login_max_failures: int = DEFAULT_LOGIN_MAX_FAILURES
    login_max_failures_per_address: int = DEFAULT_LOGIN_MAX_FAILURES_PER_ADDRESS
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE
    # API processes serving this database: `bantin serve --workers N` sets it for its workers, each of which then
    # allows 1/N of rate_limit_per_minute (api/security.py); 1 for a single process
    api_workers: int = Field(default=1, ge=1, le=64)
    # uvicorn's access-log line per request (off: ~4 % of a list request's CPU, bench/api_load.py); the audit
    # log records every read of the queue and the articles whether this is on or not (principle 3)
    access_log: bool = False
    # --- delivery (bantin.delivery): email over SMTP; unset host: emails wait in the outbox ---
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_user: str | None = None  # login only when set
    smtp_password: SecretStr | None = None  # a secret: shown as ********** everywhere, never logged
    smtp_starttls: bool = True
    smtp_timeout_s: float = DEFAULT_SMTP_TIMEOUT_S
    mail_from: str | None = None  # "Sở TT&TT <bantin@example.gov.vn>": the From of every email
    # --- the daily digest (bantin.digest) ---
    digest_docx_template: Path | None = None  # the office's own DOCX template; unset: the shipped one
    digest_hour: int = DEFAULT_DIGEST_HOUR  # Asia/Ho_Chi_Minh hour at which `bantin serve` sends yesterday's digest

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.min_host_delay_s < MIN_HOST_DELAY_S and not self.allow_loopback:
            raise ValueError(
                f"BANTIN_MIN_HOST_DELAY_S={self.min_host_delay_s} is below the {MIN_HOST_DELAY_S} s politeness "
                "floor; lower values are only allowed together with BANTIN_ALLOW_LOOPBACK=1 (tests, replay)."
            )
        if self.poll_min_s < POLL_MIN_FLOOR_S and not (self.allow_loopback and self.poll_min_s > 0):
            raise ValueError(
                f"BANTIN_POLL_MIN_S={self.poll_min_s} is below the {POLL_MIN_FLOOR_S} s politeness floor; "
                "lower (positive) values are only allowed together with BANTIN_ALLOW_LOOPBACK=1 (tests, replay)."
            )
        if self.poll_max_s < self.poll_min_s:
            raise ValueError(f"BANTIN_POLL_MAX_S={self.poll_max_s} must not be below BANTIN_POLL_MIN_S={self.poll_min_s}")
        if self.extract_workers is not None and self.extract_workers < 0:
            raise ValueError("BANTIN_EXTRACT_WORKERS must be 0 (extract in the crawler) or more")
        if self.connect_timeout_s <= 0 or self.download_timeout_s <= 0:
            raise ValueError("BANTIN_CONNECT_TIMEOUT_S and BANTIN_DOWNLOAD_TIMEOUT_S must be positive")
        if self.max_body_bytes <= 0:
            raise ValueError("BANTIN_MAX_BODY_BYTES must be positive")
        self._check_api()
        self._check_mail()
        self._check_retention()
        return self

    def _check_api(self) -> None:
        positive = {"BANTIN_SESSION_HOURS": self.session_hours, "BANTIN_MAX_REQUEST_BYTES": self.max_request_bytes,
                    "BANTIN_LOGIN_MAX_FAILURES": self.login_max_failures,
                    "BANTIN_LOGIN_MAX_FAILURES_PER_ADDRESS": self.login_max_failures_per_address,
                    "BANTIN_RATE_LIMIT_PER_MINUTE": self.rate_limit_per_minute}
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"{name}={value} must be positive")
        if self.public_url and not self.public_url.lower().startswith(("http://", "https://")):
            raise ValueError(f"BANTIN_PUBLIC_URL={self.public_url!r} must start with http:// or https://")
        for origin in self.cors_origin_list:
            if origin == "*" or not origin.lower().startswith(("http://", "https://")):
                raise ValueError(f"BANTIN_CORS_ORIGINS: {origin!r} is not an origin (https://host[:port]; '*' is refused)")

    def _check_mail(self) -> None:
        if not 0 <= self.digest_hour <= 23:
            raise ValueError(f"BANTIN_DIGEST_HOUR={self.digest_hour} is not an hour (0-23, Vietnam time)")
        if not 1 <= self.smtp_port <= 65535:
            raise ValueError(f"BANTIN_SMTP_PORT={self.smtp_port} is not a TCP port (1-65535)")
        if self.smtp_timeout_s <= 0:
            raise ValueError("BANTIN_SMTP_TIMEOUT_S must be positive")
        if self.mail_from is not None and "@" not in self.mail_from:
            raise ValueError(f"BANTIN_MAIL_FROM={self.mail_from!r} is not an address (name <user@domain>)")
        if self.smtp_password is not None and not self.smtp_password.get_secret_value().isascii():
            raise ValueError("BANTIN_SMTP_PASSWORD must be ASCII (SMTP AUTH, as smtplib sends it, is ASCII)")
        if self.smtp_user and not self.smtp_starttls and not self.allow_loopback:
            raise ValueError("BANTIN_SMTP_USER without BANTIN_SMTP_STARTTLS would send the SMTP password in clear; "
                             "turn STARTTLS on (plain login only with BANTIN_ALLOW_LOOPBACK=1: tests)")

    def _check_retention(self) -> None:
        kept = {"BANTIN_RETENTION_DAYS": self.retention_days, "BANTIN_FETCH_LOG_DAYS": self.fetch_log_days,
                "BANTIN_FRONTIER_DAYS": self.frontier_days, "BANTIN_AUDIT_DAYS": self.audit_days}
        for name, days in kept.items():
            if not 1 <= days <= MAX_RETENTION_DAYS:
                raise ValueError(f"{name}={days}: retention is 1 to {MAX_RETENTION_DAYS} days")
        longer = [f"{name}={days}" for name, days in kept.items() if days > self.audit_days]
        if longer:  # docs/principles.md, principle 3: the audit log is kept longest
            raise ValueError(f"BANTIN_AUDIT_DAYS={self.audit_days} is shorter than {', '.join(longer)}; "
                             "the audit log must be kept at least as long as everything it describes")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'bantin.db'}"

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def cookie_secure(self) -> bool:
        """Session cookies carry ``Secure`` whenever bantin is published over HTTPS."""
        return bool(self.public_url and self.public_url.lower().startswith("https://"))

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def cache_dir(self) -> Path:
        """Derived data that is rebuilt when missing or stale (the built gazetteer, the loaded models' arrays)."""
        return self.data_dir / "cache"

    @property
    def user_agent(self) -> str:
        return f"bantin/{__version__} (press monitoring; +{self.contact_url})"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
