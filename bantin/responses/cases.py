"""Response cases: a response the office published (link, outlet, time) and a correction requested from a
publisher (outlet, channel, time). Each adds a story history row (action ``response``) and an audit row in
the caller's transaction; the caller commits.

Recording a published response may move the story to ``responded`` (``mark_responded=True``): the state
change is one more history row (action ``state``), as every queue state change is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.app import audit
from bantin.queue.states import TransitionRefused, check_transition
from bantin.responses.errors import Conflict, Invalid
from bantin.responses.history import add_event, get_story
from bantin.store.office import ResponseCase
from bantin.store.schema import URL_MAX
from bantin.store.types import utcnow

KINDS = ("published", "correction_request")
# How a correction request reached the outlet (office.ResponseCase.channel lists the same values).
CHANNELS = ("email", "phone", "letter", "web_form", "meeting", "other")
# A summary is a paragraph or two; the response itself lives at its URL, the request in the office's files.
MAX_SUMMARY_CHARS = 4000
# The width of responses.outlet: an outlet's name, never a person's.
MAX_OUTLET_CHARS = 200
# A time may lie a little ahead (clock skew, a response scheduled for the morning); further is a typo.
MAX_FUTURE = timedelta(days=1)
# Nothing the office records predates online press monitoring; earlier times are typos (and year 1 with an
# offset does not even convert to UTC).
MIN_AT = datetime(2000, 1, 1, tzinfo=UTC)
# A dismissed story is closed without a response; it must be reopened through the queue first.
NOT_RESPONDABLE = frozenset({"dismissed"})


def clean_url(url: str) -> str:
    """An absolute http(s) URL within the column's width, or :class:`Invalid`."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed host ("http://[::1")
        raise Invalid("địa chỉ không hợp lệ (invalid URL)") from None
    if len(url) > URL_MAX or parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or any(c.isspace() or ord(c) < 32 for c in url) or not _storable(url):
        raise Invalid(f"địa chỉ không hợp lệ (invalid URL; http(s), at most {URL_MAX} characters)")
    return url


def _storable(value: str) -> bool:
    """No NUL (PostgreSQL text refuses it) and no lone surrogates (not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def _clean_text(value: str | None, name: str, limit: int, *, required: bool) -> str | None:
    value = (value or "").strip()
    if not _storable(value):
        raise Invalid(f"{name} chứa ký tự không hợp lệ ({name} contains invalid characters)")
    if not value:
        if required:
            raise Invalid(f"thiếu {name} ({name} is required)")
        return None
    if len(value) > limit:
        raise Invalid(f"{name} quá dài ({name} too long: at most {limit} characters)")
    return value


def _clean_at(at: datetime, now: datetime) -> datetime:
    if at.tzinfo is None:
        raise Invalid("thời điểm cần múi giờ (time needs a timezone offset)")
    try:
        at = at.astimezone(UTC)
    except OverflowError:
        raise Invalid("thời điểm không hợp lệ (time out of range)") from None
    if at < MIN_AT:
        raise Invalid(f"thời điểm quá sớm (time before {MIN_AT.year})")
    if at > now + MAX_FUTURE:
        raise Invalid("thời điểm ở tương lai (time is in the future)")
    return at


def add_published(session: Session, story_id: int, *, url: str, outlet: str, at: datetime,
                  summary: str | None, actor: str, user_id: int | None, mark_responded: bool = False,
                  now: datetime | None = None) -> ResponseCase:
    """Record a response the office published; with ``mark_responded`` the story becomes ``responded``."""
    now = now or utcnow()
    story = get_story(session, story_id, for_update=mark_responded)
    case = ResponseCase(story_id=story.id, kind="published", url=clean_url(url),
                        outlet=_clean_text(outlet, "outlet", MAX_OUTLET_CHARS, required=True),
                        at=_clean_at(at, now), summary=_clean_text(summary, "summary", MAX_SUMMARY_CHARS,
                                                                  required=False),
                        created_by=user_id, created_at=now)
    if mark_responded and story.state in NOT_RESPONDABLE:
        raise Conflict(f"câu chuyện đã bị bỏ qua (story is {story.state}; reopen it first)")
    if mark_responded and story.state != "responded":
        try:  # the queue's own transition table (queue/states.py): responded comes after responding
            check_transition(story.state, "responded")
        except TransitionRefused as exc:
            raise Conflict(str(exc)) from None
    session.add(case)
    session.flush()
    add_event(session, story.id, actor, "response", now, response_id=case.id, kind=case.kind,
              url=case.url, outlet=case.outlet)
    audit.record(session, actor, "response.published", audit_target=f"story:{story.id}", response_id=case.id,
                 url=case.url, outlet=case.outlet, mark_responded=mark_responded)
    if mark_responded and story.state != "responded":
        add_event(session, story.id, actor, "state", now, from_state=story.state, to_state="responded",
                  response_id=case.id)
        story.state, story.updated_at, story.version = "responded", now, story.version + 1
    return case


def add_correction_request(session: Session, story_id: int, *, outlet: str, channel: str, at: datetime,
                           summary: str | None, actor: str, user_id: int | None,
                           now: datetime | None = None) -> ResponseCase:
    """Record a correction the office asked an outlet for (which outlet, when, through which channel)."""
    now = now or utcnow()
    story = get_story(session, story_id)
    if channel not in CHANNELS:
        raise Invalid(f"kênh không hợp lệ (channel must be one of {', '.join(CHANNELS)})")
    case = ResponseCase(story_id=story.id, kind="correction_request", channel=channel,
                        outlet=_clean_text(outlet, "outlet", MAX_OUTLET_CHARS, required=True),
                        at=_clean_at(at, now), summary=_clean_text(summary, "summary", MAX_SUMMARY_CHARS,
                                                                  required=False),
                        created_by=user_id, created_at=now)
    session.add(case)
    session.flush()
    add_event(session, story.id, actor, "response", now, response_id=case.id, kind=case.kind,
              outlet=case.outlet, channel=channel)
    audit.record(session, actor, "response.correction_request", audit_target=f"story:{story.id}",
                 response_id=case.id, outlet=case.outlet, channel=channel)
    return case


def list_responses(session: Session, story_id: int, *, limit: int, after_id: int | None = None) -> list[ResponseCase]:
    """A story's response cases in the order they were recorded (keyset on id, at most ``limit``)."""
    get_story(session, story_id)
    q = select(ResponseCase).where(ResponseCase.story_id == story_id)
    if after_id is not None:
        q = q.where(ResponseCase.id > after_id)
    return list(session.scalars(q.order_by(ResponseCase.id).limit(limit)))
