"""Language identification: vi / en / other, one detector for extraction, sources and classification."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bantin.app.stats import CounterStats
from bantin.text.language import LANGUAGES, detect_language, detect_language_with_confidence, fold_code

EN_TEXT = ("The provincial government said on Monday that the new bridge over the river is expected to open "
           "to traffic next year. Officials added that the project had been delayed by heavy rain and floods. "
           "Residents of the coastal towns welcomed the decision and asked for more buses to the city. ")
DE_TEXT = ("Die Landesregierung hat am Montag mitgeteilt, dass die neue Brücke über den Fluss im nächsten Jahr "
           "für den Verkehr freigegeben werden soll. Die Arbeiten hatten sich wegen starker Regenfälle und "
           "Überschwemmungen verzögert. Die Anwohner begrüßten die Entscheidung und forderten mehr Busse. ")
VI_TEXT = ("Sáng nay, Ủy ban nhân dân tỉnh Nghệ An tổ chức lễ khởi công xây dựng cây cầu mới bắc qua sông Lam. "
           "Công trình có tổng vốn đầu tư hơn 500 tỷ đồng và dự kiến hoàn thành vào năm sau. Người dân các xã "
           "ven sông phấn khởi vì không còn phải đi đò sang bờ bên kia. ")


def test_short_vietnamese_titles_are_vi() -> None:
    assert detect_language("Bão số 3 đổ bộ Quảng Ninh") == "vi"
    assert detect_language("Ông ấy") == "vi"


def test_english_and_other_languages() -> None:
    assert detect_language("The provincial government approved a new seaport project on Monday.") == "en"
    assert detect_language("Die Regierung hat am Montag ein neues Hafenprojekt genehmigt.") == "other"
    assert detect_language("O governo aprovou na segunda-feira um novo projeto portuário.") == "other"


def test_no_letters_is_other_with_zero_confidence() -> None:
    assert detect_language_with_confidence("12345 !!!") == ("other", 0.0)
    assert detect_language_with_confidence("") == ("other", 0.0)


def test_real_vietnamese_articles_and_rss_titles_are_vi(shared_data: Path) -> None:
    with open(shared_data / "vntc_small" / "dev.jsonl", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f][:100]
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as f:
        texts += [json.loads(next(f))["title"] for _ in range(100)]
    assert sum(detect_language(t) == "vi" for t in texts) == len(texts)


def test_long_articles_are_cut_to_a_bounded_sample() -> None:
    lang, conf = detect_language_with_confidence("The harbour reopened after the storm. " * 5000)
    assert lang == "en" and 0.5 < conf <= 1.0


def test_vietnamese_text_beats_a_lying_lang_attribute() -> None:
    stats = CounterStats()
    assert detect_language(VI_TEXT, "en-US", stats) == "vi"
    assert stats.get_value("extract/lang_override") == 1 and stats.get_value("extract/lang_vi_text") == 1


def test_english_text_declared_vietnamese_is_english() -> None:
    stats = CounterStats()
    assert detect_language(EN_TEXT, "vi", stats) == "en"
    assert stats.get_value("extract/lang_override") == 1 and stats.get_value("extract/lang_identified") == 1


def test_too_short_text_takes_the_declaration_folded() -> None:
    stats = CounterStats()
    assert detect_language("Tin mới", "vi-VN", stats) == "vi"
    assert detect_language("OK", "fr_FR", stats) == "other"
    assert stats.get_value("extract/lang_declared") == 2
    assert detect_language("", None, stats) == "other" and stats.get_value("extract/lang_unknown") == 1


def test_declared_codes_fold_to_the_three_answers() -> None:
    assert [fold_code(c) for c in ("vi-VN", "EN_us", "de", "", None, "not a tag")] == [
        "vi", "en", "other", None, None, None]


def test_classification_reuses_the_stored_answer_and_detects_only_without_one() -> None:
    from bantin.classify.service import Classifier

    class NoPlaces:
        def match(self, **_: object) -> object:
            class Empty:
                def to_dict(self) -> dict:
                    return {}
            return Empty()

    clf = Classifier("Nghệ An", NoPlaces(), None, None, "none", None, detect_language)
    rows = [{"text": VI_TEXT, "language": "en"}, {"text": VI_TEXT}, {"text": EN_TEXT, "language": "Tiếng Anh"}]
    assert [r["language"] for r in clf.classify(rows)] == ["en", "vi", "en"]


def test_ingested_article_and_its_classification_have_one_language(db_url: str) -> None:
    from bantin.classify.relevance.province import ProvinceMatcher
    from bantin.classify.service import Classifier, language_detector, reclassify_stored
    from bantin.ingest.core import CrawlCore, Fetched
    from bantin.sources.registry import SourceSpec, upsert
    from bantin.store.db import make_engine, session_factory
    from bantin.store.migrate import upgrade
    from bantin.store.schema import Article, Classification
    from tests import pagefactory as pf
    from tests.ingest.test_pipeline import _fetched

    feed, t0 = "http://news.example.test/rss.rss", datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as s:
        upsert(s, SourceSpec(name="Báo Thử", feeds=(feed,), home_url="http://news.example.test/", language="vi"))
        s.commit()
    core = CrawlCore(sessions, CounterStats())
    pages = {"vi": ("Khởi công cầu mới qua sông Lam", VI_TEXT * 2), "en": ("New bridge to open", EN_TEXT * 2),
             "other": ("Neue Brücke über den Fluss", DE_TEXT * 2)}
    items = [(title, f"http://news.example.test/{lang}.html", t0) for lang, (title, _) in pages.items()]
    task = next(t for t in core.due_feeds(datetime.now(UTC) + timedelta(days=2)) if t.url == feed)
    for art_task in core.feed_fetched(task, Fetched(feed, feed, 200, {"content-type": "application/rss+xml"},
                                                    pf.rss(items))):
        title, text = pages[art_task.url.rsplit("/", 1)[1].removesuffix(".html")]
        body = pf.page(title, text, art_task.url)  # every page declares lang="vi": the text decides
        assert _fetched(core, art_task, Fetched(art_task.url, art_task.url, 200,
                                                {"content-type": "text/html; charset=utf-8"}, body))
    clf = Classifier("Nghệ An", ProvinceMatcher("Nghệ An"), None, None, "none", None, language_detector())
    assert reclassify_stored(sessions, clf) == 3
    with sessions() as s:
        got = s.execute(select(Article.canonical_url, Article.language, Classification.language)
                        .join(Classification, Classification.article_id == Article.id)).all()
    by_page = {url.rsplit("/", 1)[1].removesuffix(".html"): (stored, classified) for url, stored, classified in got}
    assert by_page == {lang: (lang, lang) for lang in LANGUAGES}
