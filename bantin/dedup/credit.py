"""Credit lines ("Theo Dân trí", "Nguồn: Báo Nghệ An", "(Theo VnExpress)", an agency line "TTXVN") and the
choice of a near-duplicate cluster's origin. Only organisations are read: a reporter's name beside an agency
("Văn Dũng - TTXVN", stripped at extraction by bantin.extract.byline) is never captured (principle 1).

Publisher keys are lowercase ASCII without spaces or punctuation, with a leading "báo"/"tạp chí"/...
and a domain suffix removed and common abbreviations expanded: "Dân trí" → ``dantri``, "Báo Nghệ An"
→ ``nghean``, "baonghean.vn" → ``nghean``, "Vietnam+" → ``vietnamplus``, "NLĐ" → ``nguoilaodong``.
``publisher_key`` applies the same normalisation to a crawler's own source key, so the two compare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bantin.app.stats import StatsLike, inc
from bantin.text.diacritics import fold

# Characters of the tail searched for a credit line: 600 reaches past a footer of related-story links and
# copyright lines (credit recovered on bench/neardup.py's 3,980 variants: 300 → 60 %, 600 → 99.3 %).
TAIL_CHARS = 600
# Characters of the head searched for a dateline "(Dân trí) -" or an opening "Theo ..." line.
HEAD_CHARS = 300
# Longest publisher name accepted (characters): real ones are ≤ 30 ("Cổng thông tin điện tử Chính phủ");
# longer "names" are sentences such as "Theo ông A, giám đốc sở ...".
MAX_NAME = 40
# Abbreviations seen in credit lines and datelines → the key of the full name.
ALIASES = {"nld": "nguoilaodong", "nldo": "nguoilaodong", "tn": "thanhnien", "vne": "vnexpress",
           "ttxvnvietnamplus": "vietnamplus", "vnplus": "vietnamplus", "vna": "ttxvn", "thongtanxavietnam": "ttxvn",
           "qdnd": "quandoinhandan", "sggp": "saigongiaiphong", "pl": "phapluat", "tpo": "tienphong", "vtv": "vtv", "vov": "vov"}
_PREFIX = re.compile(r"^(?:bao dien tu|bao|tap chi|trang tin|trang|dai|cong thong tin dien tu|cong thong tin)"
                     r"\s+(?=\S)")
_DOMAIN = re.compile(r"\.(?:com\.vn|net\.vn|org\.vn|gov\.vn|vn|com|net)$")
_NAME = r"(?P<src>[^\s(),;:!?\"“”\0][^\n(),;:!?\"“”\0]{0,N}?)".replace("N", str(MAX_NAME))
_WEBSITE = re.compile(r"^[\w-]+(?:\.[a-z]{2,4})+$")
# "Theo", "Nguồn:", "Nguồn tin:" then an optional lowercase "báo"/"tạp chí"/...; the name itself must
# start with a capital ("Theo quy định ..." is a sentence, not a credit).
_KEYWORD = r"(?i:theo|nguồn tin|nguồn)\s*:?\s+(?:(?i:báo điện tử|báo|tạp chí|trang|đài)\s+)?"
_LINES = [  # a whole credit line (or the last sentence of a line), searched in the tail and the head
    re.compile(r"(?:^|[\n.!?…\"”»]\s*)\(?\s*" + _KEYWORD + _NAME + r"\s*\)?\s*\.?$", re.MULTILINE),
    # the agency line: "TTXVN" as stored (extraction strips the reporter's name, docs/principles.md principle 1)
    # or "Văn Dũng - TTXVN" in text stored before that; the name is never captured
    re.compile(r"(?:^|[\n.!?…\"”»]\s*)(?:[^\n.]{2,40}?(?:\s[-–—]|/)\s*)?(?P<src>TTXVN|Vietnam\+|VNA)\s*\)?\.?$",
               re.MULTILINE),
    re.compile(r"\((?P<src>TTXVN|Vietnam\+|TTXVN/Vietnam\+)\)\s*\.?$", re.MULTILINE),
]
_AGENCIES = ("TTXVN", "Vietnam+", "VNA")  # what the agency patterns (_LINES[1:]) capture, case-sensitive
# Datelines are only trusted for known outlets: "(An Giang) - ..." and "(TPHCM)-" name places.
KNOWN_OUTLETS = frozenset(ALIASES.values()) | {
    "dantri", "vnexpress", "tuoitre", "laodong", "vietnamnet", "znews", "zingnews", "nhandan", "cand",
    "congan", "vtcnews", "vtc", "baochinhphu", "chinhphu", "nghean", "hatinh", "baotintuc", "danviet",
    "kinhtedothi", "hanoimoi", "giaoducthoidai", "suckhoedoisong", "thanhtra", "vneconomy", "infonet"}
_DATELINE = re.compile(r"\((?P<src>[A-ZĐ][\w.+ ]{1,30})\)\s*[-–—]")  # "(Dân trí) -", "HÀ NỘI (TTXVN) -"


def publisher_key(name: str) -> str:
    """'Báo Nghệ An' → 'nghean', 'dantri.com.vn' → 'dantri', 'TTXVN/Vietnam+' → 'vietnamplus'."""
    s = fold(name.strip().casefold()).replace("+", " plus")
    s = _DOMAIN.sub("", re.sub(r"^(?:https?://)?(?:www\.)?", "", s))
    s = _PREFIX.sub("", re.sub(r"[^a-z0-9.]+", " ", s).strip())
    key = re.sub(r"[^a-z0-9]", "", s)
    if key.startswith("bao") and len(key) > 6 and "." in name:  # baonghean.vn → nghean
        key = key[3:]
    return ALIASES.get(key, key)


def _plausible(src: str) -> bool:
    """A publisher name starts with a capital or digit ("Theo quy định ..." is a sentence) or is a
    website, and is at most six words."""
    src = src.strip()
    return bool(src) and (src[0].isupper() or src[0].isdigit() or bool(_WEBSITE.match(src))) \
        and len(src.split()) <= 6


def _lines_for(part: str) -> list[re.Pattern[str]]:
    """The credit-line patterns that can match ``part``: each needs its keyword or agency name literally (a
    substring test is ~100x cheaper than the pattern's attempt at every position, most texts have neither)."""
    low = part.lower()  # the keyword pattern is case-insensitive; its letters have no case folds beyond lower()
    keyword = [_LINES[0]] if "theo" in low or "nguồn" in low else []
    return keyword + (_LINES[1:] if any(agency in part for agency in _AGENCIES) else [])


def credit_source(text: str) -> str | None:
    """Publisher key named by a credit line at the end (preferred) or a dateline/credit at the start."""
    # "\0" marks a cut: a line cut in two must not look like a whole line to ^ or $
    tail = ("\0" if len(text) > TAIL_CHARS else "") + text[-TAIL_CHARS:].rstrip()
    found = [m for pat in _lines_for(tail) for m in pat.finditer(tail) if _plausible(m.group("src"))]
    if found:  # the last credit-looking line
        return publisher_key(max(found, key=lambda m: m.end()).group("src"))
    head = text[:HEAD_CHARS] + ("\0" if len(text) > HEAD_CHARS else "")
    dateline = _DATELINE.search(head)
    if dateline and publisher_key(dateline.group("src")) in KNOWN_OUTLETS:
        return publisher_key(dateline.group("src"))
    found = [m for pat in _lines_for(head) for m in pat.finditer(head) if _plausible(m.group("src"))]
    if found:  # the first credit-looking line
        return publisher_key(min(found, key=lambda m: m.start()).group("src"))
    return None


def credit_matches(credit: str | None, source_key: str | None) -> bool:
    """Whether a credit key names the publisher with crawler source key ``source_key``."""
    if not credit or not source_key:
        return False
    src = publisher_key(source_key)
    return credit == src or (len(credit) >= 4 and (credit in src or src in credit))


@dataclass(frozen=True, slots=True)
class OriginCandidate:
    article_id: int
    published: datetime | None
    source_key: str | None  # the crawler's key of the publishing site, e.g. "vnexpress"
    credit: str | None  # credit_source() of the article's text


def choose_origin(candidates: Sequence[OriginCandidate], stats: StatsLike | None = None) -> int:
    """The origin of a cluster of copies: the copy credited by the others, else the earliest.

    A credit beats timestamps (feeds give publication times late, missing or to the minute): a copy
    credited by another member, and crediting no member itself, is chosen (the root of a credit chain
    "C: Theo B", "B: Theo A"); mutual credits are ignored.  Otherwise the earliest published copy wins;
    unknown times sort last; on ties a copy crediting no one beats one crediting an outside source,
    then the smaller id."""
    if not candidates:
        raise ValueError("choose_origin needs at least one candidate")

    def credits_member(c: OriginCandidate) -> bool:
        return any(d is not c and credit_matches(c.credit, d.source_key) for d in candidates)

    credited = [c for c in candidates
                if any(b is not c and credit_matches(b.credit, c.source_key) for b in candidates)]
    roots = [c for c in credited if not credits_member(c)]
    pool = roots or list(candidates)
    best = min(pool, key=lambda c: (c.published is None, c.published or datetime.min,
                                    c.credit is not None, c.article_id))
    inc(stats, "dedup/origin_by_credit" if roots else "dedup/origin_by_time")
    return best.article_id
