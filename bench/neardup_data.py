"""Test material for bench/neardup.py: syndicated variants of real VNTC articles and distinct filler.

Needs ../shared/data/vntc/train.jsonl.gz (read in place, never copied).  Everything is seeded.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bantin.dedup.credit import publisher_key
from bantin.dedup.minhash import content_hash, shingle_hashes

VNTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "vntc" / "train.jsonl.gz"
PUBLISHERS = ["Báo Nghệ An", "Dân trí", "VnExpress", "Tuổi Trẻ", "Thanh Niên", "Người Lao Động",
              "TTXVN", "Vietnamplus", "Lao Động", "Tiền Phong", "Báo Hà Tĩnh", "VOV"]
CREDITS = ["Theo {p}", "(Theo {p})", "Nguồn: {p}", "Theo {p}.", "NGUỒN: {p}", "{a} - TTXVN"]
REPORTERS = ["Văn Dũng", "Minh Hương", "Quang Đức", "Thu Hằng"]
HEADERS = ["Trang chủ » {sec} » Tin tức", "Cập nhật: {hh}:{mm} ngày {d}/{mo}/2024 | Chia sẻ Facebook Zalo",
           "{p} - Thứ {wd}, {d}/{mo}/2024 {hh}:{mm} GMT+7", "Nghe đọc bài viết | Cỡ chữ A- A+ | In bài"]
FOOTERS = ["Bản quyền thuộc về {p}. Ghi rõ nguồn \"{p}\" khi phát hành lại thông tin từ website này.",
           "Bình luận (0) | Gửi bình luận | Theo dõi {p} trên Google News",
           "Đường dây nóng: 0238 3 844 {d}{mo} | Email: toasoan@baomoi.vn | Giấy phép số {d}/GP-BTTTT"]
SECTIONS = ["Thời sự", "Xã hội", "Kinh tế", "Pháp luật", "Giáo dục", "Thể thao", "Văn hóa", "Sức khỏe"]
LEADS = ["NÓNG:", "Clip:", "Video:", "Cập nhật:", "Chùm ảnh:", "Tin mới:"]
# Jaccard of 3-gram sets above which two "distinct" VNTC texts are really the same story (kept once).
REAL_DUP_J = 0.2
_SENT = re.compile(r"(?<=[.!?…])\s+")


def load_vntc(limit: int | None = None) -> list[str]:
    """VNTC training texts, exact duplicates (by content_hash) removed, in file order."""
    seen: set[str] = set()
    out: list[str] = []
    with gzip.open(VNTC, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            h = content_hash(text)
            if h not in seen:
                seen.add(h)
                out.append(text)
            if limit and len(out) >= limit:
                break
    return out


def real_dup_groups(texts: list[str], min_j: float = REAL_DUP_J, max_df: int = 50) -> list[int]:
    """Index of the representative (first member) of each text's real near-dup group.

    Candidate pairs share shingles with document frequency ≤ max_df (true copies share hundreds of
    rare ones); their exact Jaccard on the hashed 3-gram sets then decides."""
    sets = [shingle_hashes(t) for t in texts]
    h = np.concatenate(sets)
    doc = np.repeat(np.arange(len(sets)), [s.size for s in sets])
    order = np.argsort(h, kind="stable")
    h, doc = h[order], doc[order]
    bounds = np.flatnonzero(np.diff(h)) + 1
    starts, ends = np.concatenate(([0], bounds)), np.concatenate((bounds, [h.size]))
    df = ends - starts
    codes = []
    for s, e in zip(starts[(df >= 2) & (df <= max_df)], ends[(df >= 2) & (df <= max_df)], strict=True):
        d = np.unique(doc[s:e])
        i, j = np.triu_indices(d.size, 1)
        codes.append(d[i].astype(np.int64) * len(texts) + d[j])
    pairs, shared = np.unique(np.concatenate(codes) if codes else np.empty(0, np.int64), return_counts=True)
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sizes = np.array([s.size for s in sets])
    for code, c in zip(pairs, shared, strict=True):
        a, b = divmod(int(code), len(texts))
        if c >= min_j * min(sizes[a], sizes[b]) and np.intersect1d(sets[a], sets[b]).size / np.union1d(
            sets[a], sets[b]
        ).size >= min_j:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(len(texts))]


def paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if len(paras) >= 3:
        return paras
    sents = [s for s in _SENT.split(text) if s.strip()]
    return [" ".join(sents[i : i + 2]) for i in range(0, len(sents), 2)]


def _fill(template: str, rng: random.Random, pub: str) -> str:
    return template.format(p=pub, P=rng.choice(PUBLISHERS), sec=rng.choice(SECTIONS), hh=rng.randint(6, 22),
                           mm=f"{rng.randint(0, 59):02d}", d=rng.randint(1, 28), mo=rng.randint(1, 12),
                           wd=rng.randint(2, 7))


def boilerplate(rng: random.Random, pub: str, headlines: list[str]) -> tuple[list[str], list[str]]:
    """Publisher header lines and footer lines (with 'related links' made of other stories' headlines)."""
    head = [_fill(t, rng, pub) for t in rng.sample(HEADERS, rng.randint(1, 2))]
    foot = [_fill(t, rng, pub) for t in rng.sample(FOOTERS, rng.randint(1, 2))]
    if headlines and rng.random() < 0.6:
        foot = ["Tin liên quan:", *rng.sample(headlines, min(3, len(headlines))), *foot]
    return head, foot


def _edit_words(text: str, rng: random.Random, vocab: list[str]) -> str:
    words = text.split()
    i = rng.randrange(len(words))
    if True:  # one substitution / deletion / tone-style respelling
        r = rng.random()
        if r < 0.5:
            words[i] = rng.choice(vocab)
        elif r < 0.8 and len(words) > 20:
            del words[i]
        else:
            words[i] = words[i].replace("òa", "oà").replace("ùy", "uỳ").replace("óa", "oá")
    return " ".join(words)


def make_variant(text: str, rng: random.Random, headlines: list[str], vocab: list[str]) -> tuple[str, str]:
    """One syndicated copy (new headline, 10–30 % trimmed, maybe reordered, edited, boilerplate, credit)
    and the publisher key its credit line names."""
    paras = paragraphs(text)
    first = paras[0].split()
    cut = min(rng.randint(5, 12), max(0, len(first) - 3))  # drop (roughly) the original headline
    paras[0] = " ".join(first[cut:])
    total = sum(len(p.split()) for p in paras)
    target = total * (1 - rng.uniform(0.10, 0.30))
    if rng.random() < 0.6:  # trim from the end, the usual way copies are shortened
        while len(paras) > 1 and sum(len(p.split()) for p in paras) - len(paras[-1].split()) >= target:
            paras.pop()
        words = " ".join(paras).split()
        paras = [" ".join(words[: int(target)])] if len(paras) == 1 else paras
    else:  # drop sentences anywhere
        sents = [s for p in paras for s in _SENT.split(p)]
        while len(sents) > 2 and sum(len(s.split()) for s in sents) > target:
            sents.pop(rng.randrange(1, len(sents)))
        paras = [" ".join(sents[i : i + 2]) for i in range(0, len(sents), 2)]
    if len(paras) > 2 and rng.random() < 0.5:
        i, j = rng.sample(range(len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
    for _ in range(rng.randint(2, 8)):  # a few light edits in the whole article
        i = rng.randrange(len(paras))
        paras[i] = _edit_words(paras[i], rng, vocab) if len(paras[i].split()) > 1 else paras[i]
    pub = rng.choice(PUBLISHERS)
    new_title = " ".join([rng.choice(LEADS)] * (rng.random() < 0.3) + rng.sample(first, min(len(first), 8)))
    head, foot = boilerplate(rng, pub, headlines)
    template, source = rng.choice(CREDITS), rng.choice(PUBLISHERS)
    credit = template.format(p=source, a=rng.choice(REPORTERS))
    body = [new_title, *paras, credit] if rng.random() < 0.8 else [new_title, credit, *paras]
    return "\n".join(head + body + foot), publisher_key("TTXVN" if "TTXVN" in template else source)


def with_boilerplate(text: str, rng: random.Random, headlines: list[str]) -> str:
    head, foot = boilerplate(rng, rng.choice(PUBLISHERS), headlines)
    return "\n".join([*head, text, *foot])


def sentence_mix(texts: list[str], n: int, seed: int) -> Iterator[str]:
    """n synthetic 'distinct' articles of 8–30 sentences drawn at random from the whole pool."""
    rng = random.Random(seed)
    sents = [s for t in texts for s in _SENT.split(t) if len(s) > 20]
    for _ in range(n):
        yield " ".join(rng.choice(sents) for _ in range(rng.randint(8, 30)))
