"""The refusals of this package; the API maps them to 404 / 409 / 422 / 502, the message is for the user."""

from __future__ import annotations


class ResponseError(Exception):
    """A refused request; ``str(exc)`` is a Vietnamese-first message with English in parentheses."""


class NotFound(ResponseError):
    pass


class Conflict(ResponseError):
    pass


class Invalid(ResponseError):
    pass


class FetchFailed(ResponseError):
    """The original could not be fetched (or yielded no text) when a baseline was needed."""
