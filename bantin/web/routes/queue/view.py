"""What the queue page shows besides the stories: the choices of the filter form (states, staff, outlets,
the taxonomy's topics, languages) and, on a database without stories yet, which step comes next.

Topics describe coverage (principle 2, docs/principles.md): the choices are the taxonomy's keys only.
Staff appear by their account name as owners of work, never as profiles (principle 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.classify.topics.taxonomy import TOPICS
from bantin.queue.states import OWNER_ROLES
from bantin.store.office import PRIORITIES, STORY_STATES, Story, User
from bantin.store.schema import Article, Source
from bantin.text.language import LANGUAGES
from bantin.web import i18n

# An office follows tens to a few hundred outlets; past this the outlet list is cut (the filter still
# accepts any source_id in the URL, as the API does).
MAX_OUTLET_CHOICES = 500
# Staff accounts offered as owners; an office has tens.
MAX_USER_CHOICES = 500
RELEVANCES = ("primary", "mention")


@dataclass(frozen=True)
class Choices:
    states: tuple[str, ...]
    priorities: tuple[str, ...]
    relevances: tuple[str, ...]
    topics: list[tuple[str, str]]  # (key, label in the reader's language)
    languages: tuple[str, ...]
    outlets: list[tuple[int, str]]
    users: dict[int, str]  # every account (owners of old stories may be disabled since)
    owners: list[tuple[int, str]]  # who a story can be given to: enabled reviewer+ accounts


def topic_labels() -> dict[str, str]:
    vi = i18n.current_locale() == "vi"
    return {t.key: t.vi if vi else t.en for t in TOPICS}


def choices(r: Session) -> Choices:
    users = list(r.execute(select(User.id, User.name, User.display_name, User.role, User.disabled)
                           .order_by(User.name).limit(MAX_USER_CHOICES)))
    outlets = [(sid, name) for sid, name in r.execute(select(Source.id, Source.name).order_by(Source.name)
                                                      .limit(MAX_OUTLET_CHOICES))]
    return Choices(states=STORY_STATES, priorities=tuple(PRIORITIES), relevances=RELEVANCES,
                   topics=list(topic_labels().items()), languages=LANGUAGES, outlets=outlets,
                   users={u.id: u.display_name or u.name for u in users},
                   owners=[(u.id, u.display_name or u.name) for u in users
                           if u.role in OWNER_ROLES and not u.disabled])


def first_steps(r: Session) -> str | None:
    """On a database without any story: "sources", "articles" or "stories" (what is missing first)."""
    if r.scalar(select(Story.id).limit(1)) is not None:
        return None
    if r.scalar(select(func.count()).select_from(Source)) == 0:
        return "sources"
    if r.scalar(select(Article.id).limit(1)) is None:
        return "articles"
    return "stories"


def language_label(code: str) -> str:
    return {"vi": i18n._("Vietnamese"), "en": i18n._("English"), "other": i18n._("other languages")}.get(code, code)


def relevance_label(code: str | None) -> str:
    labels = {"primary": i18n._("mainly about the province"), "mention": i18n._("mentions the province"),
              "none": i18n._("not about the province")}
    return labels.get(code or "", code or "—")


def template_helpers() -> dict[str, Any]:
    return {"topic_label": topic_labels().get, "language_label": language_label, "relevance_label": relevance_label}
