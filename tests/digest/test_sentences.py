"""Lead sentences of Vietnamese news text: abbreviations, initials and numbers do not end a sentence,
datelines are left out, two sentences or three when two are short."""

from __future__ import annotations

from bantin.digest.sentences import MAX_SENTENCE_CHARS, lead_sentences, split_sentences


def test_abbreviations_initials_and_numbers_do_not_end_a_sentence() -> None:
    text = ('Sáng 12-3, tại TP. Vinh, PGS.TS. Nguyễn Văn An nói: "Cầu đã xong." Hơn 1.000 người dự lễ. '
            "Giá tăng 3,5%! Q. Ba Đình cũng vậy. Ông Nguyễn V. Bình phát biểu.")
    assert split_sentences(text) == ['Sáng 12-3, tại TP. Vinh, PGS.TS. Nguyễn Văn An nói: "Cầu đã xong."',
                                     "Hơn 1.000 người dự lễ.", "Giá tăng 3,5%!", "Q. Ba Đình cũng vậy.",
                                     "Ông Nguyễn V. Bình phát biểu."]


def test_datelines_are_not_part_of_the_lead() -> None:
    assert lead_sentences("(Dân trí) - Lũ lớn ở Kỳ Sơn. Ba xã bị cô lập.") == ["Lũ lớn ở Kỳ Sơn.", "Ba xã bị cô lập."]
    assert lead_sentences("NGHỆ AN - Lũ lớn. Nhiều nhà ngập.")[0] == "Lũ lớn."
    assert lead_sentences("Vinh (TTXVN) – Lũ lớn. Nhiều nhà ngập.")[0] == "Lũ lớn."
    assert lead_sentences("Bộ Kế - Đầu tư cho biết. Hai.")[0] == "Bộ Kế - Đầu tư cho biết."  # not capitals


def test_two_sentences_or_three_when_two_are_short() -> None:
    long = "Một câu dài " + "rất dài " * 30 + "kết thúc."
    assert len(lead_sentences(f"{long} {long} Câu ba.")) == 2
    assert lead_sentences("Một. Hai. Ba. Bốn.") == ["Một.", "Hai.", "Ba."]


def test_paragraphs_end_sentences_and_the_repeated_title_is_skipped() -> None:
    text = "Khánh thành cầu Hưng Đức\nCây cầu dài 600 mét\nVốn 500 tỉ đồng"
    assert lead_sentences(text, "Khánh thành cầu Hưng Đức") == ["Cây cầu dài 600 mét.", "Vốn 500 tỉ đồng."]


def test_a_run_on_sentence_is_cut_at_a_word() -> None:
    [lead] = lead_sentences("Nghệ An " + "mưa lớn " * 200)
    assert len(lead) <= MAX_SENTENCE_CHARS + 1 and lead.endswith("…") and not lead.endswith(" …")
    assert lead_sentences("") == [] and lead_sentences(None) == []


def test_leads_of_real_articles_are_their_first_sentences(shared_data) -> None:  # type: ignore[no-untyped-def]
    import json

    checked = 0
    with (shared_data / "news" / "rss_articles_sample1000.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = row.get("text") or row.get("summary") or ""
            if len(text) < 200:
                continue
            lead = lead_sentences(text, row.get("title"))
            flat = " ".join(text.split())
            assert 1 <= len(lead) <= 3, (row["url"], lead)
            for sentence in lead:  # each is the text's own words (a full stop or a cut may be added)
                core = sentence.removesuffix("…").removesuffix(".")
                assert core in flat, (row["url"], sentence)
                assert len(sentence) <= MAX_SENTENCE_CHARS + 1
            assert flat.find(lead[0].removesuffix("…").removesuffix(".")) < 80  # starts at the beginning
            checked += 1
    assert checked > 100
