"""Classification service: JSONL reading, output rows in input order, idempotent re-classification."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bantin.classify.io import DataFileError, JsonlReader, read_labelled, row_text
from bantin.classify.registry.promote import promote
from bantin.classify.registry.store import ArtifactError, RegistryError
from bantin.classify.service import (
    NO_TEXT,
    TOPIC_MODEL_NAME,
    Classifier,
    build_classifier,
    classify_file,
    reclassify_stored,
)
from bantin.store.schema import Classification
from tests.classify.test_labels import add_articles
from tests.classify.test_registry import VOCAB, register, sessions_for, synthetic_rows, train

PROVINCE = "Nghệ An"
MIXED = [
    json.dumps({"id": "a1", "url": "https://bao.example/1", "title": "Nghệ An khánh thành cầu ở TP Vinh",
                "summary": "Sáng 12-3, tại TP Vinh, tỉnh Nghệ An khánh thành cầu mới."}, ensure_ascii=False),
    "{not json",
    json.dumps({"id": 3, "summary": "   "}),
    "",
    json.dumps({"url": "https://bao.example/4", "text": "bệnh viện bác sĩ bệnh nhân điều trị"}, ensure_ascii=False),
    json.dumps(["a", "list"]),
    json.dumps({"id": "a6", "text": "bóng đá cầu thủ trận đấu"}, ensure_ascii=False),
]


@pytest.fixture(scope="module")
def clf() -> Classifier:
    from bantin.classify.relevance.province import ProvinceMatcher

    return Classifier(PROVINCE, ProvinceMatcher(PROVINCE), train(synthetic_rows()), None, "test", None,
                      lambda text: "vi")


def _write(path: Path, lines: list[str], gz: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_classify_keeps_input_order_and_ids_and_marks_bad_rows(clf: Classifier, tmp_path: Path, gz: bool) -> None:
    src = _write(tmp_path / ("in.jsonl.gz" if gz else "in.jsonl"), MIXED, gz)
    buf = io.StringIO()
    with JsonlReader(src) as reader:
        assert classify_file(clf, reader, buf, batch_size=2) == (6, 3)
    out = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert [(r.get("id"), r.get("url")) for r in out] == [
        ("a1", "https://bao.example/1"), (None, None), (3, None), (None, "https://bao.example/4"), (None, None),
        ("a6", None)]
    assert [r.get("line") for r in out] == [None, 2, 3, None, 6, None]  # line 4 is blank: not a row
    assert out[1]["error"].startswith("not JSON") and out[2]["error"] == NO_TEXT and "list" in out[4]["error"]
    good = [out[i] for i in (0, 3, 5)]
    assert all(set(r) >= {"topics", "province", "language"} and "error" not in r for r in good)
    assert [max(r["topics"], key=r["topics"].get) for r in good[1:]] == ["y_te", "the_thao"]
    assert set(good[0]["topics"]) == set(VOCAB) and abs(sum(good[0]["topics"].values()) - 1) < 1e-3
    assert good[0]["province"]["relevance"] == "primary" and good[0]["province"]["places"]
    assert good[1]["province"] == {"relevance": "none", "score": 0.0, "places": []}


def test_extra_model_adds_label_and_scores(clf: Classifier, db_url: str, tmp_path: Path) -> None:
    sessions = sessions_for(db_url)
    with sessions() as s:
        register(s, tmp_path, "demo", synthetic_rows())
        promote(s, tmp_path, "demo", actor="t")
        s.commit()
        with_extra = build_classifier(s, tmp_path, PROVINCE, "demo")
    assert with_extra.topic_version_id is None  # no promoted topic model: the shipped default (or none)
    res = with_extra.classify([{"text": "doanh nghiệp xuất khẩu lãi suất ngân hàng"}])[0]
    assert res["label"] == "kinh_te" and set(res["scores"]) == set(VOCAB)
    with sessions() as s, pytest.raises(RegistryError, match=r"\(no model\) 'missing'"):
        build_classifier(s, tmp_path, PROVINCE, "missing")


def test_reclassify_is_idempotent_and_redoes_rows_when_the_promoted_model_changes(
    db_url: str, tmp_path: Path
) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    with sessions() as s:
        ids = add_articles(s, [("Nghệ An khánh thành cầu", "Tại TP Vinh, tỉnh Nghệ An khánh thành cầu mới."),
                               (None, "bóng đá cầu thủ trận đấu"), ("Giá vàng", "giá vàng chứng khoán")])
        v1 = register(s, models, TOPIC_MODEL_NAME, synthetic_rows())
        promote(s, models, TOPIC_MODEL_NAME, actor="t")
        s.commit()
        clf1 = build_classifier(s, models, PROVINCE)
    assert (clf1.topic_version_id, clf1.topic_origin) == (v1.id, "topics v1")
    assert reclassify_stored(sessions, clf1, batch_size=2) == 3
    assert reclassify_stored(sessions, clf1, batch_size=2) == 0  # nothing new: a re-run does nothing
    with sessions() as s:
        add_articles(s, [(None, "bệnh viện bác sĩ")])
        s.commit()
    assert reclassify_stored(sessions, clf1) == 1
    with sessions() as s:
        v2 = register(s, models, TOPIC_MODEL_NAME, synthetic_rows(seed=4))
        promote(s, models, TOPIC_MODEL_NAME, actor="t", force=True, reason="test")
        s.commit()
        clf2 = build_classifier(s, models, PROVINCE)
    assert reclassify_stored(sessions, clf2) == 4 and reclassify_stored(sessions, clf2) == 0
    with sessions() as s:
        rows = {c.article_id: c for c in s.scalars(select(Classification))}
    assert {c.model_version_id for c in rows.values()} == {v2.id}
    first = rows[ids[0]]
    assert (first.relevance, first.province) == ("primary", PROVINCE) and json.loads(first.places)
    assert max(json.loads(rows[ids[1]].topics).items(), key=lambda kv: kv[1])[0] == "the_thao"


def test_reader_reports_long_and_non_utf8_lines_and_skips_bom(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "a"}\n' + b'{"text": "' + b"x" * 100 + b'"}\n' + b'{"text": "\xff"}\n'
                     + b'{"text": "b"}')
    with JsonlReader(path, max_line_bytes=50) as reader:
        lines = list(reader)
        assert reader.position == reader.size
    assert [(line.number, line.row, line.error) for line in lines] == [
        (1, {"text": "a"}, None), (2, None, "line longer than 50 bytes"), (3, None, "not UTF-8"),
        (4, {"text": "b"}, None)]


def test_training_file_errors_name_the_bad_lines(tmp_path: Path) -> None:
    bad = _write(tmp_path / "t.jsonl", ['{"text": "a", "label": "x"}', "oops", '{"text": "b"}',
                                         '{"title": "t", "label": true}'])
    with pytest.raises(DataFileError, match=r"3 bad rows: line 2: not JSON.*line 3: no usable `label`.*line 4"):
        read_labelled(bad)
    with pytest.raises(DataFileError, match="no such file"):
        read_labelled(tmp_path / "missing.jsonl")
    truncated = tmp_path / "t.jsonl.gz"
    truncated.write_bytes(gzip.compress(b'{"text": "a", "label": "x"}\n' * 1000)[:60])
    with pytest.raises(DataFileError, match="corrupt or truncated gzip"):
        read_labelled(truncated)
    assert read_labelled(_write(tmp_path / "ok.jsonl", ['{"text": "a", "label": 3}'])) == [("a", "3")]


def test_row_text_uses_text_or_title_and_summary() -> None:
    assert row_text({"title": "Tiêu đề", "summary": "Tóm tắt"}) == "Tiêu đề\nTóm tắt"
    assert row_text({"title": "Tiêu đề", "text": "Tiêu đề\nThân bài"}) == "Tiêu đề\nThân bài"
    assert row_text({"text": "Thân bài", "summary": "bỏ qua"}) == "Thân bài"
    assert row_text({"text": 5, "title": " "}) is None


def test_shipped_default_topic_model_loads_only_when_its_manifest_matches(tmp_path: Path) -> None:
    import hashlib

    import skops.io as sio

    from bantin.classify.service import default_topic_model
    from bantin.classify.topics.model import TopicModel

    assert default_topic_model(tmp_path) is None
    rows = synthetic_rows()
    model = TopicModel(topics=list(VOCAB), n_features=2**12).fit([t for t, _ in rows], [[lab] for _, lab in rows])
    data = sio.dumps(model)
    (tmp_path / "topics.skops").write_bytes(data)
    manifest = {"file": "topics.skops", "sha256": hashlib.sha256(data).hexdigest(),
                "trusted_types": sio.get_untrusted_types(data=data)}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    loaded = default_topic_model(tmp_path)
    assert max(loaded.predict(["bác sĩ bệnh viện thuốc"])[0].items(), key=lambda kv: kv[1])[0] == "y_te"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest | {"trusted_types": ["builtins.eval"]}))
    with pytest.raises(ArtifactError, match="shipped topic model: types outside the allowed list"):
        default_topic_model(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "topics.skops").write_bytes(data + b"x")
    with pytest.raises(ArtifactError, match="shipped topic model: sha256 .* changed or replaced; refused"):
        default_topic_model(tmp_path)
    (tmp_path / "topics.skops").unlink()
    with pytest.raises(ArtifactError, match="shipped topic model: artifact .* is missing"):
        default_topic_model(tmp_path)


def test_the_shipped_default_topic_model_is_found_and_loads() -> None:
    from bantin.classify.service import default_topic_model

    model = default_topic_model()  # the directory shipped in the package, checked against its manifest
    assert model is not None
    scores = model.predict(["Bệnh viện đa khoa tỉnh tiếp nhận bệnh nhân, bác sĩ điều trị sốt xuất huyết"])[0]
    assert max(scores.items(), key=lambda kv: kv[1])[0] == "health"  # a taxonomy key (docs/taxonomy.md)
