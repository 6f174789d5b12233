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

# RSS feed_category (VnExpress section feeds). "Thế giới" is foreign_affairs by the labelling conventions of
# real RSS items (#12: international politics and war), unlike VNTC's 2007 "The gioi"; "Tổng hợp" (the general
# feeds, 91 % of items) carries no topic.
RSS_CATEGORY_MAP: dict[str, tuple[str, ...]] = {
    "Thế giới": ("foreign_affairs",),
    "Công nghệ": ("science_tech",),
    "Kinh doanh": ("economy",),
    "Thể thao": ("sports",),
}

# Keyword seeds (weak labels), written to the labelling conventions of docs/taxonomy.md (#12): e.g. traffic
# accidents and vehicle fires are infrastructure, fines and police cases law, weather and floods environment,
# fires in homes, drownings, charity, celebrity and leadership changes society. A text whose first SEED_CHARS
# contain one of these phrases is a positive example for that topic; on RSS items, best_seed_topic picks one
# topic. Precision was checked by reading samples of the RSS items each topic's seeds select (docs/taxonomy.md).
SEED_PHRASES: dict[str, tuple[str, ...]] = {
    "infrastructure": ("cao tốc", "sân bay", "đường sắt", "hạ tầng", "cầu cảng", "quốc lộ", "tỉnh lộ", "metro",
                       "cảng biển", "tai nạn giao thông", "tai nạn liên hoàn", "va chạm", "tông", "tông trúng",
                       "lật xe", "xe khách", "xe tải", "xe container", "xe đầu kéo", "xe buýt", "xe bồn",
                       "xe bốc cháy", "ô tô bốc cháy", "xe máy bốc cháy", "ùn tắc", "kẹt xe", "ách tắc", "cầu vượt",
                       "nút giao", "vành đai", "thông xe", "thông tuyến", "giải phóng mặt bằng", "chuyến bay",
                       "hãng bay", "hàng không", "đường băng", "tàu hỏa", "tàu hoả", "nhà ga", "đăng kiểm",
                       "bằng lái", "giấy phép lái xe", "trạm thu phí", "đường vành đai", "bến xe", "trạm sạc"),
    "environment": ("thiên tai", "bão", "bão số", "áp thấp nhiệt đới", "lũ", "lũ quét", "lũ lụt", "sạt lở",
                    "ngập", "ngập lụt", "ngập úng", "mưa lớn", "mưa to", "mưa lũ", "nắng nóng", "rét đậm",
                    "không khí lạnh", "thời tiết", "động đất", "sóng thần", "núi lửa", "ô nhiễm", "môi trường",
                    "rác thải", "hạn mặn", "xâm nhập mặn", "hạn hán", "biến đổi khí hậu", "cháy rừng", "phá rừng",
                    "động vật hoang dã", "triều cường", "dông lốc", "giông lốc", "sét đánh", "mưa đá", "bụi mịn",
                    "chất lượng không khí", "vùng lũ", "rốn lũ", "thủy điện xả lũ"),
    "law": ("khởi tố", "bắt giam", "tạm giam", "bắt tạm giam", "truy nã", "lừa đảo", "chiếm đoạt", "ma túy",
            "ma tuý", "tử hình", "xét xử", "phiên tòa", "phiên toà", "tòa án", "toà án", "tuyên án", "năm tù",
            "bị cáo", "bị can", "nhận hối lộ", "hối lộ", "tham ô", "trộm", "cướp", "sát hại", "giết người",
            "đâm chết", "xử phạt", "phạt tiền", "bị phạt", "nồng độ cồn", "csgt", "cảnh sát giao thông",
            "đánh bạc", "buôn lậu", "hàng giả", "cơ quan cảnh sát điều tra", "viện kiểm sát", "đầu thú",
            "nghi phạm", "công an tỉnh", "công an tp", "công an thành phố", "công an xã", "công an phường",
            "bộ công an", "truy tố", "thông tin sai sự thật", "gây rối trật tự", "triệt phá", "tạm giữ",
            "vi phạm hành chính", "cố ý gây thương tích", "hỗn chiến"),
    "health": ("bệnh viện", "bác sĩ", "bệnh nhân", "người bệnh", "ung thư", "ngộ độc", "phẫu thuật", "cấp cứu",
               "sức khỏe", "sức khoẻ", "tiêm chủng", "vaccine", "vắc xin", "dịch bệnh", "sốt xuất huyết",
               "đột quỵ", "tiểu đường", "đái tháo đường", "huyết áp", "tim mạch", "dinh dưỡng", "bộ y tế",
               "an toàn thực phẩm", "bệnh", "y tế", "cúm", "viêm phổi", "tay chân miệng", "sởi", "thuốc giả"),
    "society": ("cháy nhà", "vụ cháy", "hỏa hoạn", "hoả hoạn", "đám cháy", "đuối nước", "chết đuối", "mất tích",
                "từ thiện", "quyên góp", "ủng hộ đồng bào", "hoa hậu", "á hậu", "người đẹp", "showbiz",
                "sao việt", "bạn trai", "bạn gái", "người yêu", "ly hôn", "hôn nhân", "đám cưới", "mẹ chồng",
                "con dâu", "thời trang", "xổ số", "đại hội đảng", "đại hội đại biểu", "bí thư tỉnh ủy",
                "chủ tịch ubnd", "bổ nhiệm", "điều động", "nghỉ hưu", "tổng bí thư", "mặt trận tổ quốc",
                "mttq", "trung ương đoàn", "t.ư đoàn", "liệt sĩ", "người có công", "thương binh",
                "đại biểu quốc hội", "toàn cảnh 17h", "xem nhanh", "điểm tin", "hoàn cảnh khó khăn",
                "mạnh thường quân", "lương hưu", "bảo hiểm xã hội", "tâm sự", "cứu nạn", "tìm kiếm cứu nạn",
                "nghĩa tình", "phụ nữ", "người cao tuổi", "mạng xã hội xôn xao", "gây sốt mạng", "trend"),
    "culture": ("phim", "điện ảnh", "mv", "ca khúc", "album", "âm nhạc", "đêm nhạc", "concert", "liveshow",
                "di sản", "di tích", "lễ hội", "bảo tàng", "cổ vật", "bảo vật", "triển lãm", "nhà văn",
                "tiểu thuyết", "tập thơ", "cải lương", "sân khấu", "nhà hát", "ẩm thực", "món ăn", "món ngon",
                "nghệ nhân", "làng nghề", "văn hóa", "văn hoá", "áo dài", "nghệ thuật", "họa sĩ", "hoạ sĩ",
                "đạo diễn", "phòng vé", "cuốn sách", "ra mắt sách", "hội sách", "nhạc sĩ", "chương trình nghệ thuật"),
    "education": ("học sinh", "sinh viên", "trường học", "giáo viên", "nhà giáo", "đại học", "điểm chuẩn",
                  "tuyển sinh", "thi tốt nghiệp", "kỳ thi", "thpt", "học bổng", "du học", "bộ gd-đt",
                  "bộ giáo dục", "giáo dục", "học phí", "khai giảng", "sách giáo khoa", "mầm non", "học đường"),
    "tourism": ("du lịch", "du khách", "khách du lịch", "điểm đến", "khách sạn", "resort", "lữ hành",
                "kỳ nghỉ", "homestay", "điểm check-in", "tour"),
    "agriculture": ("nông nghiệp", "nông dân", "thủy sản", "thuỷ sản", "lúa gạo", "nuôi trồng", "chăn nuôi",
                    "ngư dân", "đánh bắt", "cây trồng", "vụ mùa", "giá heo", "heo hơi", "giá lúa", "sầu riêng",
                    "nông sản", "thanh long", "vải thiều", "cá tra", "phân bón", "dịch tả lợn", "cúm gia cầm",
                    "iuu", "hợp tác xã", "ocop", "nông thôn mới", "trang trại", "nhà vườn", "cà phê"),
    "sea_borders": ("biển đảo", "trường sa", "hoàng sa", "biển đông", "cột mốc", "biên phòng", "đồn biên phòng",
                    "bộ đội biên phòng", "chủ quyền biển", "vùng biển", "nhà giàn", "dk1", "cảnh sát biển",
                    "vùng 1 hải quân", "vùng 2 hải quân", "vùng 3 hải quân", "vùng 4 hải quân", "vùng 5 hải quân",
                    "hải quân nhân dân"),
    "foreign_affairs": ("ngoại giao", "đại sứ", "đối ngoại", "hội đàm", "thăm chính thức", "thăm cấp nhà nước",
                        "hợp tác quốc tế", "quan hệ hai nước", "tổng lãnh sự", "bộ ngoại giao", "tổng thống",
                        "ukraine", "nga", "iran", "israel", "gaza", "hamas", "nato", "liên hợp quốc", "lhq",
                        "trump", "putin", "zelensky", "tập cận bình", "triều tiên", "nhà trắng", "lầu năm góc",
                        "điện kremlin", "xung đột", "chiến sự", "lệnh ngừng bắn", "ngừng bắn",
                        "hội nghị thượng đỉnh", "thủ tướng israel", "quân đội", "bộ quốc phòng mỹ", "đảng dân chủ",
                        "đảng cộng hòa", "thủ tướng nhật", "venezuela", "đài loan", "campuchia", "hezbollah",
                        "houthi", "trung đông", "tên lửa đạn đạo", "uav", "drone"),
    "economy": ("chứng khoán", "cổ phiếu", "vn-index", "ngân hàng", "lãi suất", "tỷ giá", "tỉ giá", "giá vàng",
                "vàng miếng", "xăng dầu", "giá xăng", "bất động sản", "căn hộ", "chung cư", "nhà ở xã hội",
                "doanh nghiệp", "doanh thu", "lợi nhuận", "xuất khẩu", "nhập khẩu", "gdp", "tăng trưởng",
                "nhà đầu tư", "fdi", "thuế", "hộ kinh doanh", "khu công nghiệp", "tín dụng", "trái phiếu",
                "thanh toán", "giá điện", "việc làm", "tuyển dụng", "thị trường", "thương hiệu", "tiêu dùng",
                "bảo hiểm nhân thọ", "tài chính", "giá gas", "siêu thị", "khuyến mãi", "sàn thương mại điện tử"),
    "science_tech": ("ai", "trí tuệ nhân tạo", "chatbot", "iphone", "samsung", "galaxy", "smartphone",
                     "điện thoại", "laptop", "chip", "bán dẫn", "công nghệ", "robot", "spacex", "nasa",
                     "vũ trụ", "thiên văn", "hành tinh", "nhà khoa học", "các nhà khoa học", "khoa học",
                     "phần mềm", "google", "apple", "microsoft", "openai", "chatgpt", "gemini", "tin tặc",
                     "hacker", "5g", "internet", "game", "tựa game", "ứng dụng", "camera", "máy tính"),
    "sports": ("v-league", "bóng đá", "hlv", "cầu thủ", "đội tuyển", "world cup", "sea games", "asean cup",
               "u23", "u.23", "u22", "u.22", "u17", "u.17", "ngoại hạng anh", "champions league", "bàn thắng",
               "tỷ số", "tỉ số", "vô địch", "giải đấu", "quần vợt", "tennis", "pickleball", "cầu lông",
               "bóng chuyền", "billiards", "cờ vua", "marathon", "giải chạy", "quyền anh", "golf", "f1",
               "huy chương", "olympic", "thủ môn", "tiền đạo", "tiền vệ", "hậu vệ", "clb", "la liga",
               "serie a", "bundesliga", "real madrid", "barca", "man utd", "arsenal", "liverpool", "chelsea",
               "messi", "ronaldo", "vòng bảng", "tứ kết", "bán kết", "chung kết", "hạng nhất", "vđqg"),
}
# Seeds are searched in the title and lead only: a passing mention deep in a body is no topic.
SEED_CHARS = 400

_SEED_RE = {k: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, v)) + r")(?!\w)") for k, v in SEED_PHRASES.items()}
# When the seeds of several topics fire, these topics win over the others (in this order): a sports match
# stays sports whatever it mentions, an accident on a road is infrastructure even with the police there.
# Any other tie leaves the item without a seed topic.
SEED_PRECEDENCE: tuple[str, ...] = ("sports", "infrastructure", "law")
# Topics whose seeds are trusted in a summary when the title has none; for the others a summary's phrase is
# as often an aside (reading 10 summary-seeded items each: 4-6 of agriculture, sea_borders, tourism, culture
# and society were right, 7-10 of the rest).
SUMMARY_SEED_TOPICS = frozenset({"sports", "law", "environment", "infrastructure", "education", "foreign_affairs",
                                 "economy", "health", "science_tech"})


def seed_topics(text: str) -> set[str]:
    """Topics whose seed phrases occur in the start of ``text`` (lowercased)."""
    head = text[:SEED_CHARS].lower()
    return {k for k, rx in _SEED_RE.items() if rx.search(head)}


def best_seed_topic(title: str, summary: str = "") -> str | None:
    """The one seed topic of an RSS item: the title's seeds decide, the summary's only when the title has none.

    Several topics: the first of SEED_PRECEDENCE among them, else None; society and the general topics
    (economy, science_tech) give way to any specific one.
    """
    for part in (title, summary):
        found = seed_topics(part)
        if part is summary:
            found &= SUMMARY_SEED_TOPICS
        if not found:
            continue
        for key in SEED_PRECEDENCE:
            if key in found:
                return key
        specific = found - {"society", "economy", "science_tech"}
        if len(specific) == 1:
            return specific.pop()
        if not specific and len(found) == 1:
            return found.pop()
        return None
    return None


def map_label(source: str, label: str) -> tuple[str, ...]:
    """Taxonomy keys for a corpus label (``source`` is "vntc", "tc201805" or "rss"); () when left out."""
    table = {"vntc": VNTC_MAP, "tc201805": TC201805_MAP, "rss": RSS_CATEGORY_MAP}[source]
    return table.get(label, ())
