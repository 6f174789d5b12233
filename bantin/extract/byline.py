"""Bylines and reporter signatures out of extracted text (docs/principles.md, principle 1).

bantin stores no author: not in a field and not in the text. :func:`strip_bylines` removes

* every line that is one of the page's author names (``author_names``: trafilatura's meta/JSON-LD author,
  the source of ``bare_extraction(...).author``), alone or as "By NAME" / "NAME - AGENCY";
* labelled credits of people: "Bài, ảnh: Nguyễn Văn A", "Ảnh: Võ Hải", "Thực hiện: ...", "Nhóm PV";
* "Name - TTXVN" / "Name (TTXVN)" agency signatures, whose agency stays as the credit line ("TTXVN");
* in Vietnamese text, trailing name-only lines right after the last finished sentence (VnExpress ends every
  article with "Võ Hải"; Tuổi Trẻ with "THU HÀ"), a name run into the last paragraph, and "Như Tâm (theo
  AFP)", whose publisher credit stays ("Theo AFP").

Measured on the 33,759 VNTC training texts: 193 (0.57 %) change, nearly all signatures; a country name
ending a football table after a sentence ("Bồ Đào Nha") is the kind of line still taken for a name.

Publisher credits ("Theo Báo Nghệ An", "Nguồn: TTXVN") are kept: they name an organisation. A line that is
not name-shaped stays: "(Còn nữa)", a sentence ending with a period, anything with digits or lowercase words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bantin.app.stats import StatsLike

# A person's name in a byline: Vietnamese names have 2-4 syllables; 5 leaves room for a two-part given name.
MAX_NAME_WORDS = 5
# Longest byline line considered (characters): "Bài và ảnh: Nguyễn Thị Minh Khai - Trần Văn Bình" is 48;
# longer lines are prose, never removed.
MAX_BYLINE_CHARS = 80
# Trailing lines looked at from the end: the signature, a second co-signature and a credit line after them.
MAX_TRAILING_LINES = 4
# Words before a glued signature ("... khởi công. Trần Văn Bình"): fewer is a heading or a list item.
MIN_SENTENCE_WORDS = 4
# A signature follows a finished paragraph; a name-shaped last line after a list item ("Hà Lan\nBồ Đào Nha"
# ending a football table) is content.
SENTENCE_END = (".", "!", "?", "…", '"', "”", ")", ":", "»")
# Names in one signature line "Võ Hải - Lê Phương, Minh Anh": two or three co-authors in practice.
MAX_NAMES_PER_LINE = 4
# News agencies whose reporters sign "Name - AGENCY": the agency is the organisation credit that stays.
AGENCIES = r"TTXVN/Vietnam\+|TTXVN|Vietnam\+|VNA|VOV|VTV|AFP|Reuters|AP|Xinhua|Kyodo|Yonhap"
# Words that make an author value an organisation's credit, not a person ("Staff Reports", "Reuters Staff",
# "Nhóm PV" is handled as a role): such a credit stays, like "Theo Báo Nghệ An" (aeb page therepublic.com).
ORG_AUTHOR_WORDS = frozenset({"staff", "reports", "report", "editorial", "editors", "desk", "team", "wire",
                              "press", "news", "newsroom", "agency", "bureau", "báo", "tòa", "soạn", "ban"})
# Labels that introduce people credited for the text or pictures ("Bài, ảnh:", "Ảnh:", "Thực hiện:").
_LABEL = (r"(?:bài(?:\s*(?:,|và|&|\+)\s*ảnh)?|tin(?:\s*(?:,|và|&|\+)\s*ảnh)?|ảnh|video|clip|đồ\s*họa|"
          r"thực\s*hiện|ghi\s*chép|ghi|nhóm\s*(?:pv|phóng\s*viên)|pv|ctv|tác\s*giả|by|photo|photos)")
# A name word: up to 8 letters ("Nguyễn"); an initial ("H.", "Th.") carries its dot.
_WORD = r"[^\W\d_]{1,8}"
_NUMERALS = frozenset({"I", "V", "X", "II", "III", "IV", "VI", "IX", "XI"})
_SEP = re.compile(r"\s*(?:\s[-–—]\s|,|;|\s+và\s+|\s*&\s*|/)\s*")
_LABELLED = re.compile(rf"^\(?\s*(?i:{_LABEL})\s*[:：]\s*(?P<who>[^:]+?)\s*\)?\s*\.?$")
_ROLE_ONLY = re.compile(r"^(?i:nhóm\s+pv|nhóm\s+phóng\s+viên|pv|ctv|pv\s*[-–—/]\s*ctv)(?P<desk>(?:\s+[^\W\d_]+){0,3})$")
_AGENCY_SIGNED = re.compile(rf"^(?P<who>.+?)\s*(?:[-–—/]\s*(?P<a1>{AGENCIES})|\((?P<a2>{AGENCIES})\))\s*\.?$")
_THEO = re.compile(r"^(?P<who>.+?)\s*\(\s*(?P<credit>(?i:theo|nguồn)\b[^()]+)\)\s*\.?$")
_PUBLISHER_CREDIT = re.compile(r"^\(?\s*(?i:theo|nguồn tin|nguồn)\b")
_GLUED = re.compile(r"(?<=[.!?…\"”])\s+(?P<who>[^.!?…\"”]+)$")
_CAPTION_CREDIT = re.compile(rf"(?<=[.!?…)])\s+(?i:{_LABEL})\s*:\s*(?P<who>[^:.]+?)\s*\)?$")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).strip(" .,;:-–—()")


def author_names(raw: str | None) -> list[str]:
    """Person names from trafilatura's author metadata ("VnExpress; Đoàn Loan" → ["Đoàn Loan"]); a one-word
    value is the publisher's name (trafilatura's own rule) and "Staff Reports" an organisation's credit:
    neither is a person to strip."""
    if not raw:
        return []
    names = [n.strip() for n in re.split(r"[;|]", str(raw))]
    return [n for n in names if " " in n and len(n) <= MAX_BYLINE_CHARS
            and not ORG_AUTHOR_WORDS.intersection(n.casefold().split())]


def _is_name(text: str) -> bool:
    """One person's name: 2..MAX_NAME_WORDS words, all capitalised ("Võ Hải", initials "Minh H.") or all in
    capitals (Tuổi Trẻ and Thanh Niên sign "THU HÀ"); no digits, no sentence punctuation. A bare I/V/X is a
    numeral ("Phần I"), a word of 3+ letters with a dot an abbreviation ("Man. United")."""
    words = text.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return False
    cores = [w[:-1] if w.endswith(".") else w for w in words]
    if not all(re.fullmatch(_WORD, c) and (w == c or len(c) <= 2) and not (w == c and c in _NUMERALS)
               for w, c in zip(words, cores, strict=True)):
        return False
    return all(c.isupper() for c in cores) or all(c[0].isupper() and (len(c) == 1 or c[1:].islower())
                                                  for c in cores)


def _is_names(text: str) -> bool:
    """One or a few names separated by " - ", ",", "và", "&" or "/"."""
    text = text.strip()
    if not text or len(text) > MAX_BYLINE_CHARS or _PUBLISHER_CREDIT.match(text):
        return False
    if text.endswith(".") and not re.search(r"(?:^|\s)[^\W\d_]{1,2}\.$", text):
        return False  # a sentence ends with a period; a name may end with an initial ("Minh H.")
    if text.endswith((",", ";")) or ORG_AUTHOR_WORDS.intersection(text.casefold().split()):
        return False  # "Chào Đạt," opens a letter; "BAN TỔ CHỨC" signs for an organisation
    parts = [p for p in _SEP.split(text) if p]
    return 1 <= len(parts) <= MAX_NAMES_PER_LINE and all(_is_name(p) or _is_role(p) for p in parts)


def _is_role(text: str) -> bool:
    """"Nhóm PV", "PV - CTV", or a role and its desk in capitals ("Nhóm PV Thời Sự"; "PV ghi nhận" is prose)."""
    m = _ROLE_ONLY.match(text.strip())
    return m is not None and all(w[0].isupper() for w in m.group("desk").split())


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence rather than an abbreviation: enough words, and the last one is
    lowercase, a number or closed by a quote ("TP." and "Q." are not sentence ends)."""
    words = text.split()
    if len(words) < MIN_SENTENCE_WORDS:
        return False
    core = words[-1].rstrip(".!?…\"”)")
    return not core or core.islower() or core.isdigit() or words[-1][-1] in "\"”)!?…"


def _clean_line(line: str, authors: set[str], trailing: bool) -> str | None:
    """The line without its byline: ``None`` when the whole line goes, an agency/publisher credit when only
    that stays, the line itself when it holds no byline."""
    s = line.strip()
    if not s or (len(s) > MAX_BYLINE_CHARS and not trailing):
        return line
    folded = _fold(s)
    if folded in authors or (folded.startswith("by ") and folded[3:] in authors):
        return None
    if (m := _LABELLED.match(s)) and (_is_names(m.group("who")) or _fold(m.group("who")) in authors):
        return None
    if _is_role(s):
        return None
    if (m := _AGENCY_SIGNED.match(s)) and (_is_names(m.group("who")) or _fold(m.group("who")) in authors):
        return m.group("a1") or f"({m.group('a2')})"
    if trailing:
        if (m := _THEO.match(s)) and _is_names(m.group("who")):
            credit = m.group("credit").strip()
            return credit[0].upper() + credit[1:]
        if (m := _GLUED.search(s)) and _ends_sentence(s[: m.start()]) and (_is_names(m.group("who")) or _fold(m.group("who")) in authors):
            return s[: m.start()]  # "... khởi công. Trần Văn Bình": a signature run into the last paragraph
    return line


def _prev(out: list[str | None], i: int) -> int:
    """Index of the last non-blank line before ``i`` (-1: none)."""
    i -= 1
    while i >= 0 and not (out[i] or "").strip():
        i -= 1
    return i


def _strip_trailing(out: list[str | None], authors: set[str]) -> None:
    """Trailing signatures, looking past credit lines: labelled/agency/"(theo X)" ones, then a block of
    name-only lines right after the last finished sentence."""
    i = _prev(out, len(out))
    for _ in range(MAX_TRAILING_LINES):
        if i < 0:
            return
        line = str(out[i]).strip()
        if _PUBLISHER_CREDIT.match(line) or re.fullmatch(rf"\(?(?:{AGENCIES})\)?", line):
            i = _prev(out, i)
            continue
        cleaned = _clean_line(str(out[i]), authors, trailing=True)
        if cleaned != out[i]:
            out[i] = cleaned
            i = _prev(out, i)
            continue
        block = [i]
        while (j := _prev(out, block[-1])) >= 0 and len(block) < MAX_TRAILING_LINES and _is_names(str(out[j])):
            block.append(j)
        before = _prev(out, block[-1])
        if _is_names(line) and before >= 0 and str(out[before]).rstrip().endswith(SENTENCE_END):
            for k in block:
                out[k] = None
        return


def strip_bylines(text: str, authors: Iterable[str] = (), *, vietnamese: bool = False,
                  stats: StatsLike | None = None) -> str:
    """``text`` without bylines/signatures (see the module docstring). ``vietnamese`` enables the
    name-only rule for trailing lines (Vietnamese outlets sign that way; English lines such as
    "Read More" would look like names). Counter ``extract/byline_stripped`` per removed or cut line."""
    if not text:
        return text
    folded_authors = {_fold(a) for a in authors if a and a.strip()}
    lines = text.split("\n")
    out: list[str | None] = []
    for line in lines:
        cleaned = _clean_line(line, folded_authors, trailing=False)
        if cleaned is not None and vietnamese and (m := _CAPTION_CREDIT.search(cleaned)) and _is_names(m.group("who")):
            cleaned = cleaned[: m.start()]
        out.append(cleaned)
    if vietnamese:
        _strip_trailing(out, folded_authors)
    changed = sum(1 for a, b in zip(lines, out, strict=True) if a != b)
    if changed and stats is not None:
        stats.inc_value("extract/byline_stripped", changed)
    return "\n".join(line for line in out if line is not None).strip("\n")
