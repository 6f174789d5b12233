"""The office's topic taxonomy (what the coverage is about) and the mappings of labelled corpora onto it.

Topics describe coverage only. There is deliberately no label for dissent, criticism or speech about
rights: the taxonomy is not a tool for sorting people by opinion. docs/taxonomy.md explains each mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    vi: str
    en: str


TOPICS: tuple[Topic, ...] = (
    Topic("economy", "kinh tế – đầu tư", "economy & investment"),
    Topic("tourism", "du lịch", "tourism"),
    Topic("culture", "văn hoá – di sản", "culture & heritage"),
    Topic("education", "giáo dục", "education"),
    Topic("health", "y tế – sức khoẻ", "health"),
    Topic("infrastructure", "hạ tầng – giao thông", "infrastructure & transport"),
    Topic("environment", "môi trường – thiên tai", "environment & disasters"),
    Topic("agriculture", "nông nghiệp – thuỷ sản", "agriculture & fisheries"),
    Topic("sea_borders", "biển, đảo, biên giới", "sea, islands & borders"),
    Topic("foreign_affairs", "đối ngoại", "foreign affairs"),
    Topic("law", "pháp luật – trật tự", "law & public order"),
    Topic("sports", "thể thao", "sports"),
    Topic("science_tech", "khoa học – công nghệ", "science & technology"),
    Topic("society", "xã hội", "society (other)"),
)
TOPIC_KEYS: tuple[str, ...] = tuple(t.key for t in TOPICS)
BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}

# VNTC's 10 labels. "The gioi" (world news) is left out: most of it is events abroad, not the
# province's or Viet Nam's external relations; foreign_affairs comes from keyword seeds instead.
VNTC_MAP: dict[str, tuple[str, ...]] = {
    "Chinh tri Xa hoi": ("society",),
    "Doi song": ("society",),
    "Khoa hoc": ("science_tech",),
    "Kinh doanh": ("economy",),
    "Phap luat": ("law",),
    "Suc khoe": ("health",),
    "The thao": ("sports",),
    "Van hoa": ("culture",),
    "Vi tinh": ("science_tech",),
}

# tc201805 (baomoi snippets). Left out: "am thuc", "lam dep và the hinh", "mua sam", "mua sam - trang phuc",
# "nha vuon", "so thich", "thu cung va dong vat", "tro choi" (lifestyle sections with no coverage topic).
TC201805_MAP: dict[str, tuple[str, ...]] = {
    "bat dong san": ("economy",),
    "chinh tri va phap luat": ("law",),
    "con nguoi va xa hoi": ("society",),
    "con nguoi va xa hoi - gia dinh va cac moi quan he - hon nhan": ("society",),
    "con nguoi va xa hoi - khoa hoc xa hoi - van hoa": ("culture",),
    "du lich": ("tourism",),
    "giao duc va viec lam - giao duc": ("education",),
    "giao duc va viec lam - viec lam": ("economy",),
    "khoa hoc": ("science_tech",),
    "khoa hoc - sinh thai va moi truong": ("environment",),
    "kinh doanh va cong nghiep": ("economy",),
    "lam dep va the hinh - suc khoe": ("health",),
    "mang may tinh va vien thong": ("science_tech",),
    "may vi tinh va do dien tu": ("science_tech",),
    "may vi tinh va do dien tu - mang may tinh va vien thong": ("science_tech",),
    "sach va van hoc": ("culture",),
    "suc khoe": ("health",),
    "tai chinh": ("economy",),
    "tai chinh - dau tu - co phieu va trai phieu": ("economy",),
    "the thao - the thao doi khang": ("sports",),
    "the thao - the thao dong doi - bong da": ("sports",),
}

# RSS feed_category (VnExpress section feeds). "Thế giới" is left out like VNTC's "The gioi";
# "Tổng hợp" (the general feeds, 91 % of items) carries no topic.
RSS_CATEGORY_MAP: dict[str, tuple[str, ...]] = {
    "Công nghệ": ("science_tech",),
    "Kinh doanh": ("economy",),
    "Thể thao": ("sports",),
}

# Topics no corpus labels. Weak supervision: a text whose first SEED_CHARS contain one of these phrases
# is a positive example (precision checked by reading samples; recall is left to the classifier).
SEED_PHRASES: dict[str, tuple[str, ...]] = {
    "infrastructure": ("cao tốc", "sân bay", "đường sắt", "giao thông", "hạ tầng", "cầu cảng", "quốc lộ",
                       "metro", "cảng biển", "khởi công"),
    "environment": ("thiên tai", "bão số", "lũ quét", "sạt lở", "ngập lụt", "môi trường", "ô nhiễm",
                    "hạn mặn", "xâm nhập mặn", "biến đổi khí hậu", "động đất", "rác thải"),
    "agriculture": ("nông nghiệp", "nông dân", "thủy sản", "thuỷ sản", "lúa gạo", "nuôi trồng", "chăn nuôi",
                    "ngư dân", "đánh bắt", "cây trồng", "vụ mùa"),
    "sea_borders": ("biển đảo", "biên giới", "trường sa", "hoàng sa", "biển đông", "cột mốc", "biên phòng",
                    "chủ quyền biển", "vùng biển", "hải quân", "cảnh sát biển"),
    "foreign_affairs": ("ngoại giao", "đại sứ", "đối ngoại", "hội đàm", "thăm chính thức", "hợp tác quốc tế",
                        "quan hệ hai nước", "tổng lãnh sự", "bộ ngoại giao"),
}
# Seeds are searched in the title and lead only: a passing mention deep in a body is no topic.
SEED_CHARS = 400

_SEED_RE = {k: re.compile(r"\b(?:" + "|".join(map(re.escape, v)) + r")\b") for k, v in SEED_PHRASES.items()}


def seed_topics(text: str) -> set[str]:
    """Topics whose seed phrases occur in the start of ``text`` (lowercased)."""
    head = text[:SEED_CHARS].lower()
    return {k for k, rx in _SEED_RE.items() if rx.search(head)}


def map_label(source: str, label: str) -> tuple[str, ...]:
    """Taxonomy keys for a corpus label (``source`` is "vntc", "tc201805" or "rss"); () when left out."""
    table = {"vntc": VNTC_MAP, "tc201805": TC201805_MAP, "rss": RSS_CATEGORY_MAP}[source]
    return table.get(label, ())
