"""Texts and formats in the reader's language: Vietnamese by default, English by a remembered toggle.

Messages are English msgids translated in ``web/locale/vi/LC_MESSAGES/*.po`` (one catalog per page area,
so that pages can be added without editing one shared file); the catalogs are compiled in memory at first
use (no build step, no committed .mo). Dates are shown in Asia/Ho_Chi_Minh in the locale's format.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
# The cookie that remembers the toggle (a year: it is a preference, not a credential).
LANG_COOKIE = "bantin_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CATALOGS = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("bantin_web_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext.NullTranslations:
    """All catalogs of ``locale`` merged (English is the msgids themselves)."""
    merged: gettext.NullTranslations = gettext.NullTranslations()
    folder = CATALOGS / locale / "LC_MESSAGES"
    for po in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = gettext.GNUTranslations(buf)
        if isinstance(merged, gettext.GNUTranslations):
            merged._catalog.update(part._catalog)  # type: ignore[attr-defined]
        else:
            merged = part
    return merged


def pick_locale(cookie: str | None, accept_language: str | None = None) -> str:
    """The toggle's cookie wins; otherwise Vietnamese (the office's language), whatever the browser says."""
    return cookie if cookie in LOCALES else DEFAULT_LOCALE


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def current_locale() -> str:
    return _current.get()


def _(message: str, **values: object) -> str:
    text = translations(current_locale()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(current_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def fmt_datetime(value: datetime | None, fmt: str = "short") -> str:
    """A stored (naive UTC or aware) time in Vietnam's time zone: "01/12/2026, 15:31" in Vietnamese."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return format_datetime(value, fmt, tzinfo=VN_TZ, locale=Locale.parse(current_locale()))


def fmt_date(value: date | datetime | None, fmt: str = "short") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        value = value.astimezone(VN_TZ).date()
    return format_date(value, fmt, locale=Locale.parse(current_locale()))


def fmt_number(value: float | int | None) -> str:
    return "—" if value is None else format_decimal(value, locale=Locale.parse(current_locale()))


def fmt_percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value, format="#,##0.#%", locale=Locale.parse(current_locale()))
