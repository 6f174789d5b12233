"""The ASGI app built from the environment's settings: what each API worker process of
``bantin serve --workers N`` imports (uvicorn's ``factory=True``)."""

from __future__ import annotations

from typing import Any


def app_from_environment() -> Any:
    from bantin.api.app import create_app
    from bantin.app.context import open_app

    return create_app(open_app())
