"""Text comparison: layout is not an edit, a diff shows sentences, a rewrite's diff stays bounded."""

from __future__ import annotations

import unicodedata

from bantin.responses.textdiff import MAX_DIFF_CHARS, TRUNCATED_MARK, text_hash, unified_diff
from tests import pagefactory as pf


def test_whitespace_and_unicode_form_are_not_edits() -> None:
    text = pf.texts(1)[0]
    relaid = "\n\n" + unicodedata.normalize("NFD", text).replace(" ", "  \t") + "\n"
    assert text_hash(relaid) == text_hash(text)
    assert text_hash(text + " Thêm một câu.") != text_hash(text)


def test_the_diff_names_the_edited_sentence_only() -> None:
    before = "Câu thứ nhất đúng. Số liệu là 300 tỷ đồng. Câu cuối giữ nguyên."
    after = "Câu thứ nhất đúng. Số liệu là 30 tỷ đồng. Câu cuối giữ nguyên."
    changed = [line for line in unified_diff(before, after).splitlines()
               if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == ["-Số liệu là 300 tỷ đồng.", "+Số liệu là 30 tỷ đồng."]


def test_a_rewritten_article_gives_a_bounded_diff() -> None:
    before = " ".join(f"Câu số {i} của bản đầu." for i in range(3000))
    after = " ".join(f"Câu số {i} của bản sau." for i in range(3000))
    diff = unified_diff(before, after)
    assert len(diff) <= MAX_DIFF_CHARS and diff.endswith(TRUNCATED_MARK)
    assert "-Câu số 0 của bản đầu." in diff
