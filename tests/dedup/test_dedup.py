"""Exact hashes, MinHash signatures and the near-duplicate index (synthetic; one test on vntc_small)."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from datasketch import MinHash

from bantin.app.stats import CounterStats
from bantin.dedup.index import BAND_SHIFT, BANDS, band_keys, verify
from bantin.dedup.minhash import (
    NUM_PERM,
    SEED,
    content_hash,
    jaccard,
    shingle_hashes,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)

STORY = [
    "Sáng 12/3, UBND tỉnh Nghệ An tổ chức hội nghị tổng kết công tác phòng chống thiên tai năm 2023 và "
    "triển khai nhiệm vụ năm 2024 với sự tham gia của lãnh đạo các sở, ban, ngành và 21 huyện, thành, thị.",
    "Theo báo cáo, trong năm qua trên địa bàn tỉnh đã xảy ra 4 đợt mưa lớn, 2 cơn bão và nhiều đợt rét "
    "đậm, rét hại làm 3 người chết, hơn 1.200 ngôi nhà bị hư hỏng, thiệt hại ước tính khoảng 350 tỷ đồng.",
    "Phó Chủ tịch UBND tỉnh đề nghị các địa phương rà soát phương án sơ tán dân ở vùng trũng thấp, ven "
    "sông, ven biển; kiểm tra an toàn hồ đập trước mùa mưa lũ và chuẩn bị đầy đủ vật tư, phương tiện.",
    "Các huyện miền núi như Kỳ Sơn, Tương Dương, Quế Phong được yêu cầu cắm biển cảnh báo tại những điểm "
    "có nguy cơ sạt lở đất, lũ quét và bố trí lực lượng trực 24/24 giờ khi có mưa lớn kéo dài.",
    "Tại hội nghị, nhiều tập thể và cá nhân có thành tích xuất sắc trong công tác phòng chống thiên tai, "
    "tìm kiếm cứu nạn đã được tặng bằng khen của Chủ tịch UBND tỉnh.",
]
OTHER = [
    "Đội tuyển bóng đá U23 Việt Nam đã có buổi tập đầu tiên trên sân Mỹ Đình chuẩn bị cho vòng loại giải "
    "châu Á, huấn luyện viên trưởng cho biết toàn đội đang có tinh thần rất tốt sau kỳ nghỉ Tết.",
    "Ban huấn luyện đã triệu tập 28 cầu thủ, trong đó có 5 gương mặt mới lần đầu lên tuyển; danh sách "
    "chính thức sẽ được chốt sau trận giao hữu với đội tuyển Thái Lan vào cuối tháng này.",
    "Người hâm mộ có thể mua vé trực tuyến từ ngày 20/3 với giá từ 200.000 đến 500.000 đồng, ban tổ chức "
    "khuyến cáo khán giả không mua vé qua trung gian để tránh bị lừa đảo.",
]
ORIGINAL = "Nghệ An tổng kết phòng chống thiên tai\n" + "\n".join(STORY)


def test_content_hash_ignores_case_spacing_punctuation_and_tone_style() -> None:
    a = "Khánh Hòa:  mưa LỚN, thủy điện xả lũ!"
    b = "khánh hoà - mưa lớn thuỷ điện xả lũ"
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash("Khánh Hòa: mưa nhỏ, thủy điện xả lũ")
    assert len(content_hash(a)) == 64


def test_signature_equals_datasketch_minhash_of_the_shingles() -> None:
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=int)
    m.update_batch([int(h) for h in shingle_hashes(ORIGINAL)])
    assert np.array_equal(m.hashvalues, signature(ORIGINAL))


def test_signature_round_trips_through_bytes() -> None:
    sig = signature(ORIGINAL)
    data = signature_to_bytes(sig)
    assert len(data) == 4 * NUM_PERM
    assert np.array_equal(signature_from_bytes(data), sig)
    with pytest.raises(ValueError):
        signature_from_bytes(data[:-4])


class _Buckets:
    """The article_bands table as a dict: banding and verification tested without a database."""

    def __init__(self, stats: CounterStats | None = None) -> None:
        self.by_key: dict[int, set[int]] = {}
        self.sigs: dict[int, np.ndarray] = {}
        self.stats = stats

    def insert(self, key: int, sig: np.ndarray) -> None:
        self.sigs[key] = sig
        for band_key in band_keys(sig).tolist():
            self.by_key.setdefault(band_key, set()).add(key)

    def query(self, sig: np.ndarray) -> list[int]:
        cands = set().union(*(self.by_key.get(bk, set()) for bk in band_keys(sig).tolist()))
        return [k for k, _ in verify(sig, [(c, self.sigs[c]) for c in sorted(cands)], stats=self.stats)]


def _index_with_original(stats: CounterStats | None = None) -> _Buckets:
    index = _Buckets(stats)
    index.insert(1, signature(ORIGINAL))
    index.insert(2, signature("Tuyển U23 tập trung\n" + "\n".join(OTHER)))
    return index


def test_trimmed_copy_with_new_headline_and_credit_is_detected() -> None:
    copy = "\n".join(["Trang chủ » Thời sự", "Nghệ An: 3 người chết vì thiên tai năm 2023", *STORY[:4],
                      "Theo Báo Nghệ An"])  # last paragraph (~20 %) trimmed
    stats = CounterStats()
    index = _index_with_original(stats=stats)
    assert index.query(signature(copy)) == [1]
    assert stats.get_value("dedup/lsh_candidates") >= 1


def test_reordered_paragraphs_with_a_few_edited_words_are_detected() -> None:
    paras = [STORY[2], STORY[0], STORY[4], STORY[1].replace("350 tỷ", "gần 350 tỷ"), STORY[3]]
    copy = "(Theo TTXVN)\n" + "\n".join(paras).replace("hội nghị", "hội thảo", 1)
    assert jaccard(signature(copy), signature(ORIGINAL)) > 0.6
    assert _index_with_original().query(signature(copy)) == [1]


def test_different_article_is_not_matched() -> None:
    other = "Tuyển U23 chuẩn bị vòng loại\n" + "\n".join(OTHER) + "\nTheo Dân trí"
    index = _Buckets()
    index.insert(1, signature(ORIGINAL))
    assert index.query(signature(other)) == []
    assert jaccard(signature(other), signature(ORIGINAL)) < 0.1


def test_each_band_key_carries_its_band_number_in_the_high_bits() -> None:
    keys = band_keys(signature(ORIGINAL))
    assert (keys >> BAND_SHIFT).tolist() == list(range(BANDS))  # one per band, in band order
    assert keys.dtype == np.int64 and int(keys.min()) >= 0  # fits a signed BIGINT column
    assert len(set((keys & 0xFFFFFFFF).tolist())) > BANDS // 2  # the low bits are the bands' hashes


def test_empty_text_has_no_band_keys_and_never_matches() -> None:
    assert band_keys(signature("... !!! ---")).size == 0
    assert verify(signature(""), [(1, signature(""))]) == []
    assert band_keys(signature(ORIGINAL)).size == BANDS


def test_candidates_below_the_verify_threshold_are_rejected_and_counted() -> None:
    stats = CounterStats()
    sig = signature(ORIGINAL)
    half = sig.copy()
    half[: NUM_PERM // 2] += 1  # estimated Jaccard 0.5
    far = sig.copy()
    far[: NUM_PERM * 7 // 8] += 1  # 0.125, below VERIFY_JACCARD
    assert verify(sig, [(3, far), (2, half), (1, sig)], stats=stats) == [(1, 1.0), (2, 0.5)]
    assert stats.get_value("dedup/lsh_candidates") == 3
    assert stats.get_value("dedup/rejected_verify") == 1


@pytest.mark.shared
def test_vntc_small_copies_found_and_distinct_articles_kept_apart(shared_data) -> None:
    rows = [json.loads(line) for line in open(shared_data / "vntc_small" / "train.jsonl", encoding="utf-8")]
    texts = list({content_hash(r["text"]): r["text"] for r in rows}.values())
    index = _Buckets()
    matched_distinct = 0
    for i, t in enumerate(texts):
        sig = signature(t)
        matched_distinct += bool(index.query(sig))
        index.insert(i, sig)
    assert matched_distinct <= len(texts) // 100  # VNTC has a few real near-duplicates, not more
    rng = random.Random(5)
    found = 0
    for i in rng.sample(range(len(texts)), 50):
        words = texts[i].split()
        kept = words[10 : int(len(words) * 0.8)]  # headline replaced, last ~20 % trimmed
        q = len(kept) // 4
        parts = [kept[:q], kept[2 * q : 3 * q], kept[q : 2 * q], kept[3 * q :]]  # two chunks swapped
        copy = "\n".join(["Tin mới nhất: " + " ".join(words[:6]), *(" ".join(p) for p in parts),
                          "Theo Báo Nghệ An"])
        found += i in index.query(signature(copy))
    assert found == 50
