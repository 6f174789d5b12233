"""`bantin model train --kind relevance`: the learned province decision, trained and registered like the topic model.

Items come from ``--input FILE`` (rows with ``province``, ``relevance`` and the article's fields, or a ``url`` of a
stored article) and, unless ``--no-labels``, from the analysts' relevance labels. ``--eval FILE`` freezes the
name's evaluation set on first use (audited; the same file again changes nothing); its items are never trained
on. The candidate is scored on a stratified held-out share and on the frozen set (macro-F1, which the promotion
gate compares, and the goal's ``primary`` figures beside the rules' on the same items), then registered; a
name's first version is promoted at once (audited). The promoted version of ``relevance`` makes the decision
in ``bantin classify`` and the periodic job; ``bantin classify --model NAME@VERSION`` tries any version.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bantin.cli.common import record_audit


def relevance_params(items: list[str]) -> dict[str, Any]:
    from bantin.classify.relevance.decision import RelevanceClassifier
    from bantin.cli.model.train import parse_params

    return parse_params(items, RelevanceClassifier().get_params())


def train_relevance(app_: Any, name: str, data: Path | None, eval_file: Path | None, params: dict[str, Any], *,
                    use_labels: bool, actor: str) -> dict[str, Any]:
    """Train, score, register (and promote a first version of) a relevance decision; returns the summary."""
    from bantin.classify.io import rows_sha256
    from bantin.classify.registry.evalset import freeze_eval, frozen_eval
    from bantin.classify.registry.promote import promote_first
    from bantin.classify.registry.store import check_name, register
    from bantin.classify.relevance import gazetteer_cache
    from bantin.classify.relevance import rows as rr
    from bantin.classify.relevance import training as tr

    check_name(name)
    models_dir = app_.settings.models_dir
    gazetteer_cache.use_directory(app_.settings.cache_dir)
    with app_.sessions() as s:
        lookup = rr.stored_by_url(s)
        file_items = rr.read_items(data, lookup) if data is not None else []
        db_items = rr.labelled_items(s) if use_labels else []
        source = " + ".join(filter(None, (str(data) if data else "", "analysts' labels" if use_labels else "")))
        tr.check_trainable(file_items + db_items, source or "nothing: no --input and --no-labels")
        if eval_file is not None:
            rows = [rr.encode(it) for it in rr.read_items(eval_file, lookup)]
            es, changed = freeze_eval(models_dir, name, rows, source=str(eval_file), actor=actor)
            if changed:
                record_audit(s, "model.freeze_eval", name=name, sha256=es.sha256, rows=len(es.rows),
                             source=str(eval_file))
        eval_set = frozen_eval(models_dir, name)
        held = {t for t, _ in eval_set.rows} if eval_set else set()
        items = sorted({rr.encode(it): it for it in file_items + db_items if rr.encode(it)[0] not in held}.items())
        kept = [it for _, it in items]
        dropped = len(file_items) + len(db_items) - len(kept)
        tr.check_trainable(kept, f"{source}, after leaving out the frozen evaluation set")
        train, hold = tr.split(kept)
        start = time.perf_counter()
        model = tr.fit(train, params)
        seconds = time.perf_counter() - start
        metrics = {
            "kind": tr.KIND,
            "holdout": {"share": tr.HOLDOUT_SHARE, "seed": tr.SPLIT_SEED, **tr.score_items(model, hold)}
            if hold else None,
            "frozen_eval": {"sha256": eval_set.sha256, **tr.score_encoded(model, eval_set.rows)} if eval_set else None,
            "train": {"rows": len(train), "db_labels": len(db_items), "dropped_eval_overlap": dropped,
                      "classes": sorted({it["label"] for it in kept}), "params": model.get_params(),
                      "provinces": sorted({it["province"] for it in kept}), "source": source,
                      "seconds": round(seconds, 2)},
        }
        data_hash = rows_sha256(k for k, _ in items)
        mv = register(s, models_dir, name, model, metrics=metrics, training_data_hash=data_hash, created_by=actor)
        first = promote_first(s, models_dir, name, mv.version, actor=actor)
        s.commit()
        return {"name": name, "version": mv.version, "id": mv.id, "data_sha256": data_hash,
                "artifact_sha256": mv.artifact_sha256, "metrics": metrics,
                "status": "promoted" if first else "candidate"}
