"""The OpenAPI schema and its readable page, for signed-in users only ("nothing is anonymous except health
and login"): a browser session or a bearer token of any role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from bantin.api.roles import requires

router = APIRouter(tags=["schema"])
SCHEMA_PATH = "/openapi.json"
DOCS_PATH = "/api/docs"


@router.get(SCHEMA_PATH, include_in_schema=False, dependencies=[requires("viewer")])
def openapi_schema(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get(DOCS_PATH, include_in_schema=False, dependencies=[requires("viewer")])
def docs_page() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=SCHEMA_PATH, title="bantin — API")
