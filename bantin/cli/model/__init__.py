"""`bantin model ...`, `bantin classify` and `bantin label`: the analysts' workflow (mounted by bantin/cli/main.py).

Heavy imports (scikit-learn, skops, the gazetteer) happen inside the commands so `bantin --help` stays fast.
This package's ``__init__`` only assembles the commands, in the order `bantin model --help` lists them: building
and applying models live in :mod:`.train`, promotion and rollback in :mod:`.promote`, the learned relevance
decision in :mod:`.relevance`, the labelling loop in :mod:`.label`; their shared consoles and helpers are in
:mod:`bantin.cli.common`. May import bantin.cli.common, bantin.classify and the app wiring.
"""

from __future__ import annotations

import typer

from bantin.cli.model.label import export_labels_cmd, label_cmd, uncertain_cmd
from bantin.cli.model.promote import freeze_eval_cmd, promote_cmd, reclassify_cmd, rollback_cmd
from bantin.cli.model.train import classify_cmd, evaluate_cmd, list_cmd, train_cmd

__all__ = [
    "classify_cmd", "evaluate_cmd", "export_labels_cmd", "freeze_eval_cmd", "label_cmd", "list_cmd", "model_app",
    "promote_cmd", "reclassify_cmd", "rollback_cmd", "train_cmd", "uncertain_cmd",
]

model_app = typer.Typer(help="Mô hình phân loại (classification models: train, evaluate, promote).",
                        no_args_is_help=True)
model_app.command("train")(train_cmd)
model_app.command("evaluate")(evaluate_cmd)
model_app.command("list")(list_cmd)
model_app.command("promote")(promote_cmd)
model_app.command("rollback")(rollback_cmd)
model_app.command("reclassify")(reclassify_cmd)
model_app.command("freeze-eval")(freeze_eval_cmd)
model_app.command("uncertain")(uncertain_cmd)
model_app.command("export-labels")(export_labels_cmd)
