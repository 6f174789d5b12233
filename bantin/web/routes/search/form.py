"""The search page's form: its fields as typed (kept in the box whatever happens), the listing filters they
mean (``search.listing.ArticleFilters``, checked as ``api.article_params`` checks GET /api/v1/articles),
the one-line messages for what was refused, how the query was understood, and highlights as <mark>.

Dates are Vietnam days: "from 01/12" is 00:00 Vietnam time on that day, "to 05/12" includes all of that day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException
from markupsafe import Markup, escape

from bantin.api.ids import MAX_INT32_ID
from bantin.api.listing.article_params import request_filters
from bantin.classify.topics.taxonomy import TOPIC_KEYS
from bantin.search.listing import ArticleFilters
from bantin.search.query import MAX_QUERY_CHARS, Query, QueryError, Unit, parse
from bantin.web.i18n import VN_TZ, _

# What the form accepts at all (the parser's own bound, 200, then answers with a message, not an error page).
MAX_FORM_Q_CHARS = 2000
# Short fields: topic keys, relevance, language codes, ids and ISO dates are all shorter than this.
MAX_FIELD_CHARS = 50
# The filters' choices and their labels (English msgids; web/locale/vi/LC_MESSAGES/search.po translates them).
RELEVANCE_LABELS = {"primary": "about the province", "mention": "mentions the province", "none": "not about the province"}
LANGUAGE_LABELS = {"vi": "Vietnamese", "en": "English", "other": "other language"}  # text/language.py LANGUAGES
RELEVANCES = tuple(RELEVANCE_LABELS)
LANGUAGES = tuple(LANGUAGE_LABELS)
FIELDS = ("q", "topic", "relevance", "source_id", "language", "date_from", "date_to")
URL_NAMES = {"date_from": "from", "date_to": "to"}  # the API's names for the date range


@dataclass
class SearchForm:
    """The fields as the reader typed them (strings; empty for "any")."""

    q: str = ""
    topic: str = ""
    relevance: str = ""
    source_id: str = ""
    language: str = ""
    date_from: str = ""
    date_to: str = ""
    errors: list[str] = field(default_factory=list)

    def params(self) -> dict[str, str]:
        """The non-empty fields under their URL names (``from``, ``to``), for links and forms keeping this search."""
        return {URL_NAMES.get(k, k): v for k, v in asdict(self).items() if k in FIELDS and v}

    def query_string(self, **extra: Any) -> str:
        return urlencode({**self.params(), **{k: v for k, v in extra.items() if v is not None}})

    @property
    def blank(self) -> bool:
        return not self.params()


def _day(text: str, form: SearchForm, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        form.errors.append(_("The date “%(value)s” (%(field)s) is not a date; it was left out.", value=text,
                             field=label))
        return None


def _vn_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=VN_TZ)


def read_form(form: SearchForm) -> tuple[ArticleFilters | None, Query | None]:
    """The filters and parsed query of ``form`` (None, None for a blank form); problems go to ``form.errors``
    and the field in question is left out, so the rest of the search still runs."""
    if form.blank:
        return None, None
    topic = form.topic if form.topic in TOPIC_KEYS else None
    relevance = form.relevance if form.relevance in RELEVANCES else None
    language = form.language if form.language in LANGUAGES else None
    source_id = int(form.source_id) if form.source_id.isdigit() and 0 < int(form.source_id) <= MAX_INT32_ID else None
    if form.source_id and source_id is None:
        form.errors.append(_("The outlet was not recognised; it was left out."))
    start = _day(form.date_from, form, _("from"))
    end = _day(form.date_to, form, _("to"))
    query: Query | None = None
    q = form.q.strip() or None
    if q is not None:
        try:
            query = parse(q)
        except QueryError:
            form.errors.append(_("The query is too long (at most %(chars)s characters and 20 words); shorten it.",
                                 chars=MAX_QUERY_CHARS))
            return None, None
    try:
        filters = request_filters(q, topic, relevance, source_id, language,
                                  _vn_midnight(start) if start else None,
                                  _vn_midnight(end + timedelta(days=1)) if end else None, None)
    except HTTPException:
        form.errors.append(_("These filters cannot be searched; change them."))
        return None, None
    return filters, query if query is not None else parse(None)


def form_of(filters: ArticleFilters) -> SearchForm:
    """The form showing a saved search's query and filters."""
    def day(value: datetime | None, shift: timedelta = timedelta(0)) -> str:
        return (value.astimezone(VN_TZ) - shift).date().isoformat() if value is not None else ""

    return SearchForm(q=filters.q or "", topic=filters.topic or "", relevance=filters.relevance or "",
                      source_id=str(filters.source_id or ""), language=filters.language or "",
                      date_from=day(filters.published_from), date_to=day(filters.published_to, timedelta(days=1)))


def export_query(filters: ArticleFilters) -> str:
    """GET /api/v1/exports/articles.*'s parameters for ``filters`` (the same names as GET /articles)."""
    values: dict[str, Any] = {"q": filters.q, "topic": filters.topic, "relevance": filters.relevance,
                              "source_id": filters.source_id, "language": filters.language,
                              "from": filters.published_from.isoformat() if filters.published_from else None,
                              "to": filters.published_to.isoformat() if filters.published_to else None}
    return urlencode({k: v for k, v in values.items() if v is not None})


def _unit(u: Unit) -> str:
    text = " ".join(u.words) + ("*" if u.prefix else "")
    return f"“{text}”" if len(u.words) > 1 else text


def understood(query: Query | None) -> list[str]:
    """How the query was read, one short line per part (folded words: what the index compares)."""
    if query is None or query.empty:
        return []
    lines = []
    for group in query.groups:
        lines.append(_unit(group[0]) if len(group) == 1 else f" {_('or')} ".join(_unit(u) for u in group))
    out = [_("All of: %(parts)s", parts="; ".join(lines))] if lines else []
    if query.excluded:
        out.append(_("None of: %(parts)s", parts="; ".join(_unit(u) for u in query.excluded)))
    return out


def marked(text: str | None, spans: list[tuple[int, int]]) -> Markup:
    """``text`` escaped, with each run of matched words (only spaces between them) in one <mark>."""
    if not text:
        return Markup("")
    runs: list[list[int]] = []
    for s, e in sorted(spans):
        if runs and text[runs[-1][1]:s].isspace():
            runs[-1][1] = e
        else:
            runs.append([s, e])
    out, at = [], 0
    for s, e in runs:
        out.append(escape(text[at:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        at = e
    out.append(escape(text[at:]))
    return Markup("").join(out)
