"""The story page's words: history rows as Vietnamese (or English) sentences, topic names from the
taxonomy, time offsets on the spread timeline ("+3 h"), and a tracked original's unified diff as sentences
removed and added. Pure functions of what the story views return (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bantin.api.schemas.stories import StoryEventPublic
from bantin.classify.topics.taxonomy import BY_KEY
from bantin.web import i18n
from bantin.web.i18n import _


def topic_name(key: str | None) -> str:
    """The taxonomy's name of a topic key in the reader's language (the key itself if unknown)."""
    if not key:
        return "—"
    topic = BY_KEY.get(key)
    if topic is None:
        return key
    return topic.vi if i18n.current_locale() == "vi" else topic.en


def channel_name(channel: str | None) -> str:
    """How a correction was requested (responses.cases.CHANNELS), in words."""
    names = {"email": _("email"), "phone": _("phone"), "letter": _("official letter"), "web_form": _("web form"),
             "meeting": _("in a meeting"), "other": _("other channel")}
    return names.get(channel or "", channel or "—")


def relevance_name(value: str | None) -> str:
    """A province relevance (classify.labels.RELEVANCE_VALUES) in words, as templates/words.html names it."""
    names = {"primary": _("mainly about the province"), "mention": _("mentions the province"),
             "none": _("not about the province")}
    return names.get(value or "", value or "—")


def actor_name(actor: str | None) -> str:
    """``user:NAME`` → NAME; the system's own changes are "hệ thống"."""
    if not actor:
        return "—"
    if actor.startswith("user:"):
        return actor.removeprefix("user:")
    return _("system") if actor == "system" else actor


def offset_text(delta: timedelta) -> str:
    """How long after the first copy: "+45 min", "+3 h", "+2 days" (whole units, rounded down)."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("+%(n)s min", n=minutes)
    if minutes < 48 * 60:
        return _("+%(n)s h", n=minutes // 60)
    return _("+%(n)s days", n=minutes // (24 * 60))


def entry_reason(entered_by: str | None) -> str:
    """Why a story entered the queue (queue/admission.py): its relevance, or the rule that admitted it."""
    if not entered_by:
        return "—"
    if entered_by.startswith("relevance:"):
        return _("relevance: %(value)s", value=relevance_name(entered_by.removeprefix("relevance:")))
    if entered_by.startswith("rule:"):
        return _("rule %(name)s", name=entered_by.removeprefix("rule:"))
    return entered_by


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            return i18n.fmt_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return "—" if value is None else str(value)


def _state(value: str | None) -> str:
    return _(value) if value else "—"


def describe(e: StoryEventPublic, users: dict[int, str]) -> str:
    """One history row as a sentence: what changed (the actor and time are shown beside it)."""
    d = e.detail or {}

    def who(uid: Any) -> str:
        return users.get(uid, f"#{uid}") if isinstance(uid, int) else _("nobody")

    if e.action == "created":
        return _("Entered the queue (%(why)s)", why=entry_reason(d.get("entered_by")))
    if e.action == "state":
        text = _("State: %(a)s → %(b)s", a=_state(e.from_state), b=_state(e.to_state))
        reason = d.get("dismissed_reason") or d.get("reason")
        return text + (_("; reason: %(r)s", r=reason) if reason else "")
    if e.action == "owner":
        return _("Owner: %(a)s → %(b)s", a=who(d.get("from")), b=who(d.get("to")))
    if e.action == "priority":
        return _("Priority: %(a)s → %(b)s", a=_state(d.get("from")), b=_state(d.get("to")))
    if e.action == "due":
        return _("Due date: %(a)s → %(b)s", a=_when(d.get("from")), b=_when(d.get("to")))
    if e.action == "note":
        return _("Added a note")
    if e.action == "copy":
        return _("A copy joined: %(outlet)s", outlet=d.get("outlet") or "—")
    if e.action == "merged":
        return _("Merged with story #%(id)s", id=d.get("merged_story") or "—")
    if e.action == "response":
        if d.get("kind") == "published":
            return _("Recorded a published response (%(outlet)s)", outlet=d.get("outlet") or "—")
        return _("Recorded a correction request to %(outlet)s", outlet=d.get("outlet") or "—")
    if e.action == "tracking":
        event = d.get("event")
        if event == "started":
            return _("Started tracking the original")
        if event == "stopped":
            return _("Stopped tracking the original")
        if event == "ended":
            return _("Tracking of the original ended")
        return _("Tracked original: %(a)s → %(b)s", a=_state(d.get("from_status")), b=_state(d.get("to_status")))
    return e.action


@dataclass(frozen=True)
class DiffLine:
    kind: str  # removed | added | context | gap
    text: str


def diff_lines(diff: str | None) -> list[DiffLine]:
    """A unified diff by sentence (responses/textdiff.py) as lines to show: headers dropped, hunks separated."""
    out: list[DiffLine] = []
    for line in (diff or "").splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if out:
                out.append(DiffLine("gap", "…"))
        elif line.startswith("-"):
            out.append(DiffLine("removed", line[1:]))
        elif line.startswith("+"):
            out.append(DiffLine("added", line[1:]))
        elif line.strip():
            out.append(DiffLine("context", line[1:] if line.startswith(" ") else line))
    return out
