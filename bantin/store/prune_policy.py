"""What retention keeps (the policy, from the settings) and what a prune run did (its report); see
:mod:`bantin.store.prune`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bantin.app.settings import Settings

Keep = Callable[[str | None, str], bool]


@dataclass(frozen=True)
class RetentionPolicy:
    articles_days: int
    fetch_log_days: int
    frontier_days: int
    audit_days: int

    @classmethod
    def from_settings(cls, s: Settings) -> RetentionPolicy:
        return cls(s.retention_days, s.fetch_log_days, s.frontier_days, s.audit_days)


@dataclass
class PruneReport:
    dry_run: bool
    cutoffs: dict[str, datetime]
    deleted: Counter[str] = field(default_factory=Counter)  # table → rows deleted (would be, in a dry run)
    kept_frozen: int = 0  # articles past retention kept because they are in a frozen evaluation set

    def as_detail(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "cutoffs": {k: v.isoformat() for k, v in self.cutoffs.items()},
                "deleted": dict(self.deleted), "kept_frozen_eval": self.kept_frozen}
