"""Errors as ``{"detail": ...}`` JSON (never HTML, never a traceback), and their documentation in the schema.

Routes raise ``HTTPException(status, "việt (english)")``; FastAPI's own 404/405/422 are JSON already. The
documented 422 body is widened to "a message or a list of validation errors", since both are sent.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("bantin.api")
# The framework's own errors (an unknown path, a wrong method) say it in Vietnamese first, like ours.
FRAMEWORK_DETAILS = {404: "không tìm thấy (not found)", 405: "phương thức không được phép (method not allowed)"}


class ErrorBody(BaseModel):
    detail: str


def _doc(text: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": text}


def documented(**by_status: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` documenting error statuses: ``documented(s404="không tìm thấy (not found)")``."""
    return {int(k.removeprefix("s")): _doc(v) for k, v in by_status.items()}


# The errors every guarded route may answer, for a router's ``responses=``.
GUARDED_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _doc("chưa đăng nhập (not authenticated)"),
    403: _doc("không đủ quyền hoặc thiếu mã CSRF (role too low, or CSRF token missing)"),
    413: _doc("nội dung quá lớn (request body too large)"),
    429: _doc("quá nhiều yêu cầu (too many requests; see Retry-After)"),
}


async def json_unexpected(request: Request, exc: Exception, headers: dict[str, str]) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "lỗi máy chủ (internal error; it was logged)"}, status_code=500,
                        headers=headers)


async def json_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code in FRAMEWORK_DETAILS and exc.detail == HTTPStatus(exc.status_code).phrase:
        exc = StarletteHTTPException(exc.status_code, FRAMEWORK_DETAILS[exc.status_code], headers=exc.headers)
    return await http_exception_handler(request, exc)


def install_errors(app: FastAPI, headers: dict[str, str]) -> None:
    """The 500 handler (logged, one line to the client), Vietnamese 404/405, the widened 422 schema."""

    async def _unexpected(request: Request, exc: Exception) -> Response:
        return await json_unexpected(request, exc, headers)

    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(StarletteHTTPException, json_http_error)  # type: ignore[arg-type]

    original = app.openapi

    def openapi() -> dict[str, Any]:
        schema = original()
        validation = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if validation and "anyOf" not in validation["properties"]["detail"]:
            listed = validation["properties"]["detail"]
            validation["properties"]["detail"] = {"anyOf": [{"type": "string"}, listed], "title": "Detail"}
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
