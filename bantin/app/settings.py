"""The one reader of the environment: every tunable that an operator may set lives here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, model_validator
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
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'bantin.db'}"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def user_agent(self) -> str:
        return f"bantin/{__version__} (press monitoring; +{self.contact_url})"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
