"""The shipped topic model files real RSS items where the labelling conventions of #12 put them (docs/taxonomy.md).

The items are real (title + summary, joined from ../shared by URL; the texts are not stored here), taken from the
400 labelled items of data/topics/rss_topic_labels.jsonl, one or two per convention of the issue. They are the
model's tuning data (rows of its training set), so this checks what users get for such items, not accuracy on
unseen ones (that is bench/topics_rss.py --fresh, docs/benchmarks.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.classify.service import default_topic_model
from bantin.classify.topics.rssdata import rss_rows, rss_text

CONVENTIONS = [
    ("a traffic accident on a national road", "infrastructure",
     "https://thanhnien.vn/dong-thap-nguoi-phu-nu-70-tu-vong-sau-tai-nan-tren-quoc-lo-50-185260406125440171.htm"),
    ("a vehicle fire on an expressway", "infrastructure",
     "https://tuoitre.vn/xe-dau-keo-cho-nhieu-o-to-lexus-boc-chay-ngun-ngut-ngay-gan-tram-xang-tren-cao-toc-100260808105327249.htm"),
    ("an arrest for robbery", "law", "https://tuoitre.vn/bat-tam-giam-hai-bi-can-cuop-xe-om-o-thanh-hoa-20251209121858055.htm"),
    ("a traffic fine", "law",
     "https://thanhnien.vn/luot-dien-thoai-vai-giay-tren-cao-toc-tai-xe-bi-phat-toi-6-trieu-dong-185260406135448741.htm"),
    ("a storm forecast", "environment", "https://vnexpress.net/bao-koto-giam-con-cap-11-huong-vao-gia-lai-4987127.html"),
    ("an earthquake abroad", "environment",
     "https://tuoitre.vn/phep-mau-sau-dong-dat-venezuela-cuu-song-nguoi-dan-ong-mac-ket-suot-8-ngay-100260702214836652.htm"),
    ("a disease", "health",
     "https://tuoitre.vn/nhiem-vi-khuan-h-pylori-co-the-gay-ung-thu-da-day-phong-lay-nhiem-the-nao-20260418103030683.htm"),
    ("a fire in a home", "society",
     "https://tuoitre.vn/chay-nha-o-xa-vinh-loc-be-gai-8-tuoi-tu-vong-3-nguoi-bi-thuong-20251202135458204.htm"),
    ("a provincial leadership change", "society",
     "https://vnexpress.net/chu-tich-khanh-hoa-duoc-gioi-thieu-de-bau-lam-chu-tich-tp-hue-4964538.html"),
    ("cuisine", "culture", "https://tuoitre.vn/pho-bo-viet-nam-tiep-tuc-vao-top-100-mon-ngon-nhat-the-gioi-hue-vao-top-"
                           "thanh-pho-am-thuc-toan-cau-2025120603441705.htm"),
    ("a festival", "culture", "https://thanhnien.vn/le-hoi-choi-trau-do-son-2025-se-khong-ban-ve-185250912151755771.htm"),
    ("war abroad", "foreign_affairs", "https://thanhnien.vn/ukraine-tang-cuong-tan-cong-lanh-tho-nga-18526050221412931.htm"),
]


@pytest.fixture(scope="module")
def texts(shared_data: Path) -> dict[str, str]:
    want = {url for _, _, url in CONVENTIONS}
    found = {row["url"]: rss_text(row) for row in rss_rows(shared_data) if row["url"] in want}
    assert found.keys() == want
    return found


@pytest.mark.parametrize(("coverage", "topic", "url"), CONVENTIONS, ids=[c for c, _, _ in CONVENTIONS])
def test_the_shipped_model_files_a_real_item_under_its_convention(texts: dict[str, str], coverage: str, topic: str,
                                                                  url: str) -> None:
    assert default_topic_model().top_topics([texts[url]]) == [topic]
