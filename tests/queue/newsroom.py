"""Articles stored through the production path (feed -> frontier -> extraction -> CrawlCore.store_extracted),
then classified by ``app.crawl.classify_new`` with the shipped topic model and the Nghệ An matcher."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from bantin.app.context import AppContext
from bantin.app.stats import CounterStats
from bantin.extract.workers import Extractor
from bantin.ingest.core import CrawlCore, Fetched
from bantin.sources.registry import SourceSpec, upsert
from tests import pagefactory as pf


def run_coroutine(coro: Any) -> Any:
    """``asyncio.run``, or the same in a short-lived thread when this thread already runs an event loop
    (Playwright's sync API keeps one running in the test thread once a browser test has started)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
# (name, feed, country): two Vietnamese outlets and a foreign one
OUTLETS = {
    "Báo Thử": ("http://news.example.test/rss.rss", "VN"),
    "Báo Khác": ("http://other.example.test/rss.rss", "VN"),
    "Foreign Daily": ("http://foreign.example.test/rss.rss", "US"),
}

BRIDGE = ("Sáng 12-3, tại TP Vinh, tỉnh Nghệ An khánh thành cầu Hưng Đức bắc qua sông Lam. Cây cầu dài hơn 600 mét, "
          "tổng vốn đầu tư gần 500 tỉ đồng, nối trung tâm thành phố với các xã phía nam. Lãnh đạo tỉnh cho biết công "
          "trình giúp giảm ùn tắc và mở ra quỹ đất mới cho phát triển đô thị. Người dân hai bờ sông phấn khởi vì không "
          "còn phải đi vòng xa như trước. Nhà thầu đã hoàn thành sớm hơn kế hoạch hai tháng nhờ tăng ca cả ngày lẫn "
          "đêm. Dự án còn làm mới hệ thống chiếu sáng và vỉa hè dọc hai đầu cầu. Sở Giao thông vận tải sẽ tổ chức "
          "phân luồng để các phương tiện đi lại thuận tiện trong những ngày đầu. Các hộ dân bị ảnh hưởng bởi dự án "
          "đã nhận đủ tiền bồi thường và được bố trí tái định cư tại khu đô thị mới. Đơn vị tư vấn giám sát khẳng "
          "định chất lượng công trình đạt yêu cầu kỹ thuật sau đợt thử tải cuối cùng. Thành phố cũng lên kế hoạch "
          "trồng thêm cây xanh và xây công viên ven sông ở hai đầu cầu trong năm tới")
INDUSTRY = ("Bộ Kế hoạch và Đầu tư vừa cấp phép cho tập đoàn VSIP đầu tư thêm năm khu công nghiệp mới trong năm nay. "
            "Các dự án đặt tại Hải Phòng, Nghệ An, Huế, Hà Nam và TP HCM, với tổng vốn hơn 1 tỉ USD. Theo đại diện "
            "doanh nghiệp, các khu công nghiệp thế hệ mới sẽ chú trọng năng lượng sạch và xử lý nước thải tập trung. "
            "Giới chuyên gia nhận định dòng vốn ngoại vào công nghiệp chế biến chế tạo vẫn tăng mạnh. Nhiều nhà đầu tư "
            "Nhật Bản và Hàn Quốc đã đăng ký thuê đất ngay trong giai đoạn đầu. Doanh nghiệp cam kết ưu tiên tuyển "
            "dụng lao động địa phương và đào tạo nghề cho công nhân. Hạ tầng giao thông kết nối với cảng biển và sân "
            "bay được xem là lợi thế lớn của các dự án. Tổng diện tích năm khu công nghiệp vượt 2.000 héc ta")
FLOOD = ("Mưa lớn kéo dài khiến lũ quét tràn qua xã Mường Típ, huyện Kỳ Sơn, tỉnh Nghệ An trong đêm qua. Nhiều ngôi "
         "nhà ven suối bị cuốn trôi, hàng trăm hộ dân phải sơ tán khẩn cấp đến nơi an toàn. Lực lượng công an và bộ "
         "đội biên phòng đã có mặt để hỗ trợ người dân di chuyển tài sản. Tuyến quốc lộ 7 bị sạt lở ở nhiều đoạn, "
         "giao thông tê liệt. Chính quyền địa phương đang thống kê thiệt hại và chuẩn bị lương thực cho các hộ bị cô "
         "lập. Trung tâm dự báo khí tượng cảnh báo mưa còn tiếp diễn trong hai ngày tới. Ngành giáo dục cho học sinh "
         "các trường vùng lũ nghỉ học để đảm bảo an toàn. Các đoàn cứu trợ từ nhiều địa phương đã lên đường mang "
         "theo nhu yếu phẩm")
# about Hà Tĩnh, the neighbouring province: nothing for Nghệ An
FIRE = ("Rạng sáng nay, một đám cháy lớn bùng phát tại dãy ki-ốt ở phường Thành Sen, thành phố Hà Tĩnh. Lực lượng "
        "cảnh sát phòng cháy chữa cháy đã điều nhiều xe đến hiện trường và khống chế ngọn lửa sau hơn một giờ. Không "
        "có thiệt hại về người, nhưng nhiều gian hàng quần áo và đồ gia dụng bị thiêu rụi. Nguyên nhân vụ cháy đang "
        "được cơ quan chức năng điều tra làm rõ. Chính quyền phường đã hỗ trợ các tiểu thương dọn dẹp và thống kê "
        "thiệt hại. Người dân được khuyến cáo kiểm tra hệ thống điện trước khi rời khỏi nhà vào ban đêm")
RATES = ("Ngân hàng Nhà nước vừa công bố điều chỉnh lãi suất điều hành. Theo các chuyên gia, quyết định này giúp "
         "doanh nghiệp tiếp cận vốn dễ hơn trong bối cảnh kinh tế thế giới còn nhiều biến động. Thị trường chứng "
         "khoán phản ứng tích cực ngay trong phiên giao dịch sáng nay với thanh khoản cao. Các ngân hàng thương mại "
         "được yêu cầu giảm lãi suất cho vay đối với các khoản vay mới. Giới phân tích dự báo tín dụng sẽ tăng "
         "trưởng tốt hơn trong quý cuối năm. Tỷ giá ngoại tệ ổn định trong suốt tuần qua dù đồng đô la mạnh lên "
         "trên thị trường quốc tế. Người gửi tiết kiệm có thể nhận lãi suất thấp hơn ở các kỳ hạn ngắn")


def syndicated(text: str, credit: str = "Theo Báo Thử") -> str:
    """A copy that carries most of the text and a credit line (a near-duplicate of ``text``)."""
    paras = text.split(". ")
    return ". ".join(paras[: int(len(paras) * 0.85)]) + ". " + credit


@lru_cache(maxsize=1)
def classifier() -> Any:
    """The production classifier (shipped topic model, Nghệ An matcher), loaded once per test process."""
    from bantin.classify.relevance.province import ProvinceMatcher
    from bantin.classify.service import Classifier, default_topic_model, language_detector

    return Classifier("Nghệ An", ProvinceMatcher("Nghệ An"), default_topic_model(), None, "default", None,
                      language_detector())


@lru_cache(maxsize=1)
def other_province_classifier() -> Any:
    """The same models for Hà Tĩnh: re-classifying with it redoes every row (a promotion does the same)."""
    from dataclasses import replace

    from bantin.classify.relevance.province import ProvinceMatcher

    return replace(classifier(), province="Hà Tĩnh", matcher=ProvinceMatcher("Hà Tĩnh"))


class _Cache:
    loads = 0

    def __init__(self, clf: Any) -> None:
        self.clf = clf

    def get(self) -> Any:
        return self.clf


class Newsroom:
    """Outlets that publish articles into ``app``'s database, and the crawl's classification step."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.core = CrawlCore(app.sessions, CounterStats())
        with app.sessions() as s:
            for name, (feed, country) in OUTLETS.items():
                upsert(s, SourceSpec(name=name, feeds=(feed,), language="vi", country=country))
            s.commit()
        self.when = datetime.now(UTC) + timedelta(days=30)

    def publish(self, outlet: str, slug: str, title: str, text: str, published: datetime = T0) -> int:
        """Store one article of ``outlet``; returns its id."""
        feed = OUTLETS[outlet][0]
        host = feed.split("/")[2]
        url = f"http://{host}/{slug}.html"
        self.when += timedelta(days=1)  # every feed is due again
        task = next(t for t in self.core.due_feeds(self.when) if t.url == feed)
        [item] = self.core.feed_fetched(task, Fetched(feed, feed, 200, {"content-type": "application/rss+xml"},
                                                     pf.rss([(title, url, published)])))
        body = pf.page(title, text, url, published)
        res = Fetched(url, url, 200, {"content-type": "text/html; charset=utf-8"}, body)
        ex = run_coroutine(Extractor(0).extract(res.body, url, res.headers.get("content-type"),
                                                self.core.feed_hint(item), self.core.stats))
        stored = self.core.store_extracted(item, res, ex)
        assert stored is not None and stored.article_id is not None
        return stored.article_id

    def classify(self, clf: Any = None) -> int:
        """The crawl's classification step (``app.crawl.classify_new``), which admits stories."""
        from bantin.app.crawl import classify_new

        return classify_new(self.app, _Cache(clf or classifier()))  # type: ignore[arg-type]


def two_province_stories(app: AppContext) -> None:
    """The queue most tests read: two province stories (the bridge in Báo Thử with a copy in Foreign Daily
    three hours later, the flood in Báo Khác) and an unrelated article (interest rates)."""
    news = Newsroom(app)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.classify()
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD, T0 + timedelta(hours=1))
    news.classify()
