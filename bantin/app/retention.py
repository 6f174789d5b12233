"""Enforcing retention (docs/principles.md, principle 3): ``bantin db prune`` and the crawl's daily job.

Wiring between :mod:`bantin.store.prune` (which deletes), the frozen evaluation sets of the model registry
(whose articles and labels are kept: a promotion gate must always score on the same rows) and the audit log
(every run that deletes writes its row; a dry run changes nothing, not even the audit log).

A frozen row links to an article by its text: ``freeze-eval`` keeps only ``text`` and ``label``, and a set
built from ``bantin label`` exports holds exactly the text models see (:func:`bantin.classify.labels.article_text`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bantin.app.audit import record
from bantin.app.settings import Settings
from bantin.app.stats import StatsLike
from bantin.store.db import session_factory
from bantin.store.prune import Keep, PruneReport, RetentionPolicy, prune

SYSTEM_ACTOR = "system:retention"


class PruneRefused(Exception):
    """Pruning cannot know what to keep (a frozen evaluation set is unreadable or changed)."""


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def frozen_eval_keep(models_dir: Path) -> Keep | None:
    """``keep(title, text)``: is this article in a frozen evaluation set? None when there are no frozen sets."""
    from bantin.classify.labels import article_text
    from bantin.classify.registry.evalset import EVAL_MANIFEST, frozen_eval
    from bantin.classify.registry.store import ArtifactError, RegistryError

    digests: set[bytes] = set()  # 32 bytes per frozen row, whatever the texts' length
    for manifest in sorted(models_dir.glob(f"*/{EVAL_MANIFEST}")) if models_dir.is_dir() else []:
        try:
            es = frozen_eval(models_dir, manifest.parent.name)
        except ArtifactError as exc:
            raise PruneRefused(f"{exc}; articles are not pruned until it is fixed or frozen again") from exc
        except RegistryError:
            continue  # not a model's directory
        except (OSError, ValueError, KeyError) as exc:
            raise PruneRefused(f"{manifest}: unreadable evaluation manifest ({exc}); articles are not pruned") from exc
        if es is not None:
            digests.update(_digest(text) for text, _ in es.rows)
    if not digests:
        return None

    def keep(title: str | None, text: str) -> bool:
        return _digest(article_text(title, text)) in digests or _digest((text or "").strip()) in digests

    return keep


def run_prune(settings: Settings, engine: Engine, *, dry_run: bool = False, actor: str = SYSTEM_ACTOR,
              on_progress: Callable[[str, int], None] | None = None, **kwargs: Any) -> PruneReport:
    """Prune per the settings; audited (a start row before the first delete, then what was deleted)."""
    policy = RetentionPolicy.from_settings(settings)
    keep = frozen_eval_keep(settings.models_dir)
    sessions = session_factory(engine)
    if not dry_run:
        with sessions() as s:  # audit first: an interrupted run is still on record
            record(s, actor, "db.prune.start", policy=policy.__dict__)
            s.commit()
    report = prune(engine, policy, dry_run=dry_run, keep=keep, on_progress=on_progress, **kwargs)
    if not dry_run:
        with sessions() as s:
            record(s, actor, "db.prune", **report.as_detail())
            s.commit()
    return report


def prune_job(settings: Settings, engine: Engine, stats: StatsLike, interval_s: float, *,
              clock: Callable[[], float] = time.monotonic) -> Callable[[], None]:
    """The crawl's retention job: a function the spider calls on its periodic thread (never the reactor)
    at every tick; it prunes at most every ``interval_s`` and never raises (a failure is counted, logged and
    retried at the next interval; the crawl goes on). Nothing in memory needs forgetting: the near-duplicate
    lookup is the ``article_bands`` table, pruned with its articles."""
    state: dict[str, Any] = {"last": None}

    def tick() -> None:
        if state["last"] is not None and clock() - state["last"] < interval_s:
            return
        state["last"] = clock()
        try:
            report = run_prune(settings, engine)
        except Exception as exc:  # noqa: BLE001 - the crawl must not stop over retention
            stats.inc_value("prune/failed")
            logging.getLogger(__name__).error("retention job failed: %s", exc)
            return
        stats.inc_value("prune/runs")
        stats.inc_value("prune/kept_frozen_eval", report.kept_frozen)
        for table, n in report.deleted.items():
            stats.inc_value(f"prune/deleted/{table}", n)

    return tick
