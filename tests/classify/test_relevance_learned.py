"""The learned relevance decision: scikit-learn conventions, features, and what the service writes with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from bantin.classify.labels import LabelError
from bantin.classify.registry import store
from bantin.classify.relevance.decision import RelevanceClassifier
from bantin.classify.relevance.evidence import FEATURES, features
from bantin.classify.relevance.province import ProvinceMatcher
from bantin.classify.relevance.rows import decode, encode, item
from bantin.classify.relevance.training import check_trainable, fit, score_items
from bantin.classify.service import build_classifier, reclassify_stored
from bantin.store.schema import Classification
from tests.classify.test_labels import add_articles
from tests.classify.test_registry import sessions_for

# A story about people of the province stranded in another one: the rules call it primary (the province in the
# title, only one other province named), the labelling guide a mention (a person's origin, the story elsewhere).
STRANDED = "Người dân Nghệ An mắc kẹt ở Quảng Trị sau lũ"
CALM = "Theo ghi nhận của phóng viên, lực lượng chức năng đang hỗ trợ khắc phục."
OTHERS = ("Quảng Trị", "Thanh Hoá", "Hà Nội", "Đà Nẵng", "Lâm Đồng", "Gia Lai")
PRIMARY = ("{p} khởi công dự án đường ven biển", "Học sinh {p} khai giảng năm học mới",
           "{p} hỗ trợ người dân sau bão", "Công an {p} triệt phá đường dây lừa đảo", "Giá lúa tại {p} tăng mạnh")
MENTION = ("Người {p} bị lừa sang {o} làm việc", "Lao động {p} gặp nạn tại {o}", "Du khách {p} đuối nước ở {o}",
           "Sinh viên {p} mất tích ở {o}", "Thương lái {p} bị bắt giữ tại {o}")
NONE = ("{o} khánh thành bệnh viện mới", "Giá vàng hôm nay tăng mạnh", "{o} đón nhiều khách du lịch",
        "Đội tuyển bóng đá thắng trận giao hữu", "{o} mở rộng đường cao tốc")


def synthetic_items() -> list[dict[str, str]]:
    """Labelled items of two provinces, made by the labelling guide's conventions (not copied from any feed)."""
    out = []
    for p in ("Nghệ An", "Hà Tĩnh"):
        for i, o in enumerate(OTHERS):
            for label, templates in (("primary", PRIMARY), ("mention", MENTION), ("none", NONE)):
                out.append(item(p, label, templates[i % len(templates)].format(p=p, o=o), CALM))
    return out


@parametrize_with_checks([RelevanceClassifier(), RelevanceClassifier(kind="boosting", max_iter=20)])
def test_relevance_classifier_follows_scikit_learn_conventions(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)


def test_features_are_province_agnostic_and_include_the_rules_decision() -> None:
    na = features(ProvinceMatcher("Nghệ An"), "Nghệ An khởi công dự án đường ven biển", None, CALM)
    ht = features(ProvinceMatcher("Hà Tĩnh"), "Hà Tĩnh khởi công dự án đường ven biển", None, CALM)
    assert len(na) == len(FEATURES) and na == ht  # the same story in two provinces: the same evidence
    assert na[FEATURES.index("rule_primary")] == 1.0 and na[FEATURES.index("title_kind_province")] == 1.0
    stranded = features(ProvinceMatcher("Nghệ An"), STRANDED, None, CALM)
    assert stranded[FEATURES.index("title_others_named")] == 1.0


def test_a_model_trained_on_the_labels_decides_an_item_the_rules_get_wrong() -> None:
    model = fit(synthetic_items(), {})
    assert ProvinceMatcher("Nghệ An").match(STRANDED, summary=CALM).relevance == "primary"  # the rules' answer
    x = np.asarray([features(ProvinceMatcher("Nghệ An"), STRANDED, None, CALM)])
    assert model.predict(x).tolist() == ["mention"]
    scored = score_items(model, [item("Nghệ An", "mention", STRANDED, CALM)])
    assert scored["accuracy"] == 100.0 and scored["rules"]["unrelated_called_primary_pct"] == 0.0


def test_encoded_rows_round_trip_and_bad_training_sets_are_refused_in_one_line() -> None:
    it = item("Hà Tĩnh", "none", "Giá vàng hôm nay", "Tăng mạnh.")
    assert decode(encode(it)) == it
    with pytest.raises(LabelError, match="no relevance labels"):
        check_trainable([], "analysts' labels")
    with pytest.raises(LabelError, match="need at least two different labels") as exc:
        check_trainable([it, {**it, "title": "Giá xăng"}], "analysts' labels")
    assert "\n" not in str(exc.value)


def test_the_service_decides_a_held_back_stored_item_with_the_promoted_model(db_url: str, tmp_path: Path) -> None:
    sessions = sessions_for(db_url)
    models = tmp_path / "models"
    model = fit(synthetic_items(), {})
    with sessions() as s:
        (aid,) = add_articles(s, [(STRANDED, CALM)])  # never in the training items
        s.commit()
        clf = build_classifier(s, models, "Nghệ An")
    assert clf.relevance_origin == "rules"
    reclassify_stored(sessions, clf)
    with sessions() as s:
        assert s.get(Classification, aid).relevance == "primary"
        mv = store.register(s, models, "relevance", model, metrics={"kind": "relevance"},
                            training_data_hash="x", created_by="test")
        mv.status = store.PROMOTED
        s.commit()
        clf = build_classifier(s, models, "Nghệ An")
    assert clf.relevance_origin == "relevance v1"
    assert reclassify_stored(sessions, clf) == 1  # the stored row was the rules': the new decision redoes it
    with sessions() as s:
        row = s.get(Classification, aid)
        assert (row.relevance, row.province, row.relevance_version_id) == ("mention", "Nghệ An", mv.id)
        assert 0.15 <= row.relevance_score < 0.5  # in the mention band, as the rules' scores are
