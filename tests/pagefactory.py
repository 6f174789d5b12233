"""Realistic article pages and feeds around real Vietnamese texts (VNTC), and hostile bodies, for tests."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache
from html import escape
from pathlib import Path

import brotli

from tests.conftest import SHARED_DATA

# Real VNTC texts when ../shared is there; otherwise short fixed Vietnamese paragraphs (tests still run).
_FALLBACK = [
    "Tỉnh Nghệ An đón hơn 7 triệu lượt khách du lịch trong năm. Các điểm đến như Cửa Lò, Kim Liên và "
    "Pù Mát thu hút đông đảo du khách trong và ngoài nước. Ngành du lịch địa phương đặt mục tiêu tăng "
    "trưởng bền vững, gắn với bảo tồn di sản văn hoá. Doanh thu từ du lịch tăng mạnh so với cùng kỳ.",
    "Ngân hàng Nhà nước vừa công bố điều chỉnh lãi suất điều hành. Theo các chuyên gia, quyết định này "
    "giúp doanh nghiệp tiếp cận vốn dễ hơn trong bối cảnh kinh tế thế giới còn nhiều biến động. Thị "
    "trường chứng khoán phản ứng tích cực ngay trong phiên giao dịch sáng nay với thanh khoản cao.",
    "Đội tuyển bóng đá quốc gia giành chiến thắng thuyết phục trong trận đấu vòng loại. Huấn luyện viên "
    "đánh giá cao tinh thần thi đấu của các cầu thủ trẻ. Người hâm mộ cả nước ăn mừng trên nhiều tuyến "
    "phố. Trận đấu tiếp theo sẽ diễn ra vào tuần sau trên sân vận động quốc gia Mỹ Đình.",
]


def texts(n: int) -> list[str]:
    path = SHARED_DATA / "vntc_small" / "dev.jsonl"
    if path.is_file():
        out = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                t = json.loads(line)["text"]
                if len(t) > 1500:
                    out.append(t[:4000])
                if len(out) == n:
                    return out
    return [(_FALLBACK[i % len(_FALLBACK)] + f" Bản tin số {i}.") * 3 for i in range(n)]


def page(title: str, text: str, canonical: str, published: datetime | None = None, boiler: str = "") -> bytes:
    paras = "".join(f"<p>{escape(p)}</p>" for p in text.split(". ") if p)
    meta = f'<meta property="article:published_time" content="{published.isoformat()}">' if published else ""
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<link rel="canonical" href="{escape(canonical)}">{meta}</head><body>'
        f"<nav><a href='/'>Trang chủ</a> <a href='/thoi-su'>Thời sự</a></nav>{boiler}"
        f"<article><h1>{escape(title)}</h1>{paras}</article>"
        "<footer>© Báo điện tử. Giấy phép số 123/GP-BTTTT.</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str, datetime]], title: str = "Tin mới nhất") -> bytes:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{format_datetime(d)}</pubDate><description>{escape(t)}</description></item>"
        for t, u, d in items
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.test/</link>{body}</channel></rss>").encode()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@lru_cache(maxsize=16)
def compressed_zeros(encoding: str, size: int) -> bytes:
    """``size`` zero bytes compressed as gzip, deflate (zlib) or br -- a decompression bomb when large."""
    data = bytes(size)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9)
    if encoding == "deflate":
        return zlib.compress(data, 9)
    if encoding == "br":
        return bytes(brotli.compress(data, quality=5))
    raise ValueError(encoding)
