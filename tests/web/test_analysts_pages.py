"""The analysts' pages: who may see them, labelling an uncertain article in one click (htmx and plain
POST), promotion through the gate (its refusal said in Vietnamese), forced promotion needing a reason,
rollback, each audited as the API audits it."""

from __future__ import annotations

import hashlib
import json
import re

from sqlalchemy import select

from bantin.classify.registry.evalset import freeze_eval
from bantin.store.schema import Article, AuditEvent, Classification, Label, ModelVersion, Source
from tests.classify.test_registry import swapped, synthetic_rows
from tests.web.conftest import Web

ARTICLES = [("Khai giảng năm học mới ở Vinh", "Học sinh Nghệ An khai giảng năm học mới tại trường THPT."),
            ("Giá lúa tăng vụ hè thu", "Nông dân Nghệ An bán lúa được giá, xuất khẩu gạo tăng mạnh."),
            ("Sông Lam Nghệ An thắng trên sân Vinh", "Đội bóng thắng trận đấu trên sân nhà trước đông khán giả.")]


def add_news(web: Web) -> list[int]:
    with web.ctx.sessions() as s:
        src = Source(name="Báo Nghệ An", home_url="https://baonghean.example")
        s.add(src)
        s.flush()
        arts = [Article(canonical_url=f"https://baonghean.example/{i}", source_id=src.id, title=title, text=text,
                        content_hash=hashlib.sha256(text.encode()).hexdigest()) for i, (title, text) in enumerate(ARTICLES)]
        s.add_all(arts)
        s.flush()
        for art, relevance in zip(arts, ("primary", "mention", "none"), strict=True):
            s.add(Classification(article_id=art.id, topics="{}", top_topic=None, relevance=relevance,
                                 relevance_score=0.72, province="Nghệ An", places="[]", language="vi"))
        s.commit()
        return [a.id for a in arts]


def audits(web: Web, action: str) -> list[dict]:  # type: ignore[type-arg]
    with web.ctx.sessions() as s:
        return [json.loads(e.detail or "{}") | {"actor": e.actor}
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def two_versions(web: Web) -> None:
    """demo v1 (good) and v2 (wrong on every row) with a frozen evaluation set, each registered with its
    scores on it as `bantin model train` stores them (cheap: tests/api/test_models_api.py's synthetic rows)."""
    from bantin.classify.io import rows_sha256
    from bantin.classify.registry import store
    from bantin.classify.registry.evalset import score
    from tests.classify.test_registry import train

    models = web.ctx.settings.models_dir
    eval_set, _ = freeze_eval(models, "demo", synthetic_rows(10, seed=7), source="eval", actor="test")
    with web.ctx.sessions() as s:
        for rows in (synthetic_rows(), swapped(synthetic_rows())):
            model = train(rows)
            frozen = {k: v for k, v in score(model, eval_set.rows).items() if k != "per_class"}
            store.register(s, models, "demo", model, training_data_hash=rows_sha256(rows), created_by="cli:lan",
                           metrics={"holdout": None, "frozen_eval": {"sha256": eval_set.sha256, **frozen},
                                    "train": {"rows": len(rows)}})
        s.commit()


def status_of(web: Web, version: int) -> str:
    with web.ctx.sessions() as s:
        return s.scalar(select(ModelVersion.status).where(ModelVersion.name == "demo", ModelVersion.version == version))


def test_only_analysts_and_admins_see_the_models_pages_and_their_link(web: Web) -> None:
    for role in ("viewer", "reviewer"):
        client = web.login(role)
        assert 'href="/analysts"' not in client.get("/").text
        refused = client.get("/analysts")
        assert refused.status_code == 403 and "Vai trò của bạn không cho phép" in refused.text
        assert client.get("/analysts/models").status_code == 403
        assert client.post("/analysts/models/demo/rollback", data={"csrf_token": client.csrf}).status_code == 403  # type: ignore[attr-defined]
    for role in ("analyst", "admin"):
        client = web.login(role)
        assert 'href="/analysts"' in client.get("/").text
        assert client.get("/analysts/models").status_code == 200


def test_analyst_labels_an_uncertain_article_in_one_click(web: Web) -> None:
    ids = add_news(web)
    client = web.login("analyst")
    page = client.get("/analysts")
    assert page.status_code == 200, page.text
    assert "Bài nên gán nhãn tiếp" in page.text and "Báo Nghệ An" in page.text
    assert all(f'id="a-{i}"' in page.text for i in ids)
    assert audits(web, "model.uncertain")[0]["actor"] == "user:analyst"  # the read is on record
    row = client.post(f"/analysts/labels/{ids[0]}", data={"topic": "education", "relevance": "primary"},
                      headers={"HX-Request": "true", "X-CSRF-Token": client.csrf})  # type: ignore[attr-defined]
    assert row.status_code == 200, row.text
    assert row.text.lstrip().startswith(f'<tr id="a-{ids[0]}"') and "<html" not in row.text
    assert re.search(r"Đã gán nhãn bởi analyst lúc \d\d:\d\d \d+/\d+/\d\d", row.text), row.text
    assert "giáo dục" in row.text and "Chủ yếu về tỉnh" in row.text
    with web.ctx.sessions() as s:
        labels = [(lab.kind, lab.value, lab.labeller, lab.province)
                  for lab in s.scalars(select(Label).where(Label.article_id == ids[0]).order_by(Label.id))]
    assert labels == [("topic", "education", "user:analyst", None), ("relevance", "primary", "user:analyst", "Nghệ An")]
    assert f'id="a-{ids[0]}"' not in client.get("/analysts").text  # labelled: no longer "to label next"


def test_labelling_without_javascript_redirects_back_and_says_who_and_when(web: Web) -> None:
    ids = add_news(web)
    client = web.login("analyst")
    nothing = client.post(f"/analysts/labels/{ids[1]}", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert nothing.status_code == 303
    assert "Hãy chọn chủ đề hoặc mức liên quan trước." in client.get(nothing.headers["location"]).text
    done = client.post(f"/analysts/labels/{ids[1]}", data={"csrf_token": client.csrf, "relevance": "none"})  # type: ignore[attr-defined]
    assert done.status_code == 303 and done.headers["location"] == f"/analysts?labelled={ids[1]}"
    back = client.get(done.headers["location"]).text
    assert "Đã gán nhãn bởi analyst lúc" in back and "Giá lúa tăng vụ hè thu" in back and "Không về tỉnh" in back


def test_promotion_refused_by_the_gate_says_why_in_vietnamese(web: Web) -> None:
    two_versions(web)
    client = web.login("analyst")
    page = client.get("/analysts/models")
    assert "v1" in page.text and "v2" in page.text and 'data-confirm="Đưa demo v1 vào dùng?"' in page.text
    first = client.post("/analysts/models/demo/promote", data={"csrf_token": client.csrf, "version": "1"})  # type: ignore[attr-defined]
    assert first.status_code == 303 and status_of(web, 1) == "promoted"
    assert "Đã đưa phiên bản vào dùng." in client.get(first.headers["location"]).text
    refused = client.post("/analysts/models/demo/promote", data={"csrf_token": client.csrf, "version": "2"})  # type: ignore[attr-defined]
    assert refused.status_code == 409
    assert "Cổng kiểm định từ chối: v2 đạt macro-F1" in refused.text and "thấp hơn" in refused.text
    assert status_of(web, 2) == "candidate" and status_of(web, 1) == "promoted"


def test_forced_promotion_needs_a_reason_and_is_audited_then_rolled_back(web: Web) -> None:
    two_versions(web)
    client = web.login("analyst")
    csrf = client.csrf  # type: ignore[attr-defined]
    client.post("/analysts/models/demo/promote", data={"csrf_token": csrf, "version": "1"})
    empty = client.post("/analysts/models/demo/promote",
                        data={"csrf_token": csrf, "version": "2", "force": "true", "reason": "   "})
    assert empty.status_code == 422 and "Buộc đưa vào dùng phải nêu lý do" in empty.text
    assert status_of(web, 2) == "candidate"
    forced = client.post("/analysts/models/demo/promote",
                         data={"csrf_token": csrf, "version": "2", "force": "true", "reason": "thử nghiệm mô hình mới"})
    assert forced.status_code == 303 and status_of(web, 2) == "promoted"
    promotions = audits(web, "model.promote")
    assert [(a["version"], a["forced"], a["actor"]) for a in promotions] == [(1, False, "user:analyst"),
                                                                           (2, True, "user:analyst")]
    assert promotions[1]["reason"] == "thử nghiệm mô hình mới"
    page = client.get("/analysts/models").text
    assert "buộc dùng: thử nghiệm mô hình mới" in page and "Quay lại demo về phiên bản trước?" in page
    back = client.post("/analysts/models/demo/rollback", data={"csrf_token": csrf})
    assert back.status_code == 303 and (status_of(web, 1), status_of(web, 2)) == ("promoted", "rolled_back")
    assert [(a["from_version"], a["to_version"]) for a in audits(web, "model.rollback")] == [(2, 1)]


def test_an_empty_or_refused_label_is_said_on_the_row(web: Web) -> None:
    ids = add_news(web)
    client = web.login("analyst")
    htmx = {"HX-Request": "true", "X-CSRF-Token": client.csrf}  # type: ignore[attr-defined]
    empty = client.post(f"/analysts/labels/{ids[2]}", data={}, headers=htmx)
    assert empty.status_code == 200 and "Hãy chọn chủ đề hoặc mức liên quan trước." in empty.text
    crafted = client.post(f"/analysts/labels/{ids[2]}", data={"topic": "phan_dong"}, headers=htmx)
    assert crafted.status_code == 200 and "Không lưu được nhãn này" in crafted.text
    with web.ctx.sessions() as s:
        assert s.scalars(select(Label)).all() == []
