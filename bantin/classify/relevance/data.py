"""Small hand-kept tables for province relevance. Place names themselves come from the packages, not from here.

Everything here is either a nickname the packages cannot know (clubs, historical names, regions) or a word list
describing Vietnamese news style (designators, honorifics, bulletin titles). No people are listed.
"""

from __future__ import annotations

# Evidence weight of a nickname that names the province on its own (a club, a city nickname).
ALIAS_STRONG = 0.9
# Evidence weight of a well-known landmark or institution that sits in the province.
ALIAS_LANDMARK = 0.7
# Evidence weight of the province's football club or its stadium: a club named only in the lead of a match report
# about another team is a mention; in the title it is the subject (see CLUB_OUTSIDE_TITLE in weights.py).
ALIAS_CLUB = 0.9
# Evidence weight of a name shared by two provinces (Nghệ Tĩnh): enough for "mention", never for "primary".
ALIAS_REGION = 0.35

# Nicknames per province (display name -> weight). Keyed by the province's 2025 short name.
ALIASES: dict[str, dict[str, float]] = {
    "Nghệ An": {
        "TP Vinh": ALIAS_STRONG,
        "thành phố Vinh": ALIAS_STRONG,
        "xứ Nghệ": ALIAS_STRONG,
        "SLNA": ALIAS_CLUB,
        "Sông Lam Nghệ An": ALIAS_CLUB,
        "đại học Vinh": ALIAS_LANDMARK,
        "sân bay Vinh": ALIAS_LANDMARK,
        "sân Vinh": ALIAS_CLUB,
        # A town until its merger into Vinh shortly before the 2025 reform, so absent from the legacy district
        # table; the packages list it as a 2025 ward, whose bare name alone would be weak evidence.
        "Cửa Lò": ALIAS_LANDMARK,
        "ga Vinh": ALIAS_LANDMARK,
        "làng Sen": ALIAS_LANDMARK,
        "Pù Mát": ALIAS_LANDMARK,
        "Nghệ Tĩnh": ALIAS_REGION,
    },
    "Hà Tĩnh": {
        "TP Hà Tĩnh": ALIAS_STRONG,
        "Hồng Lĩnh Hà Tĩnh": ALIAS_CLUB,
        "CLB Hà Tĩnh": ALIAS_CLUB,
        "Vũng Áng": ALIAS_LANDMARK,
        "ngã ba Đồng Lộc": ALIAS_LANDMARK,
        "núi Hồng": ALIAS_LANDMARK,
        "Nghệ Tĩnh": ALIAS_REGION,
    },
    "Hưng Yên": {
        "Phố Hiến": ALIAS_STRONG,
        "TP Hưng Yên": ALIAS_STRONG,
    },
}

# English and unaccented spellings used by English-language sources; matched only in English fields (ASCII text
# with English function words), where folding cannot collide with Vietnamese words ("Cua Lo" ~ "của lò").
ENGLISH_ALIASES: dict[str, dict[str, float]] = {
    "Nghệ An": {
        "Nghe An": ALIAS_STRONG,
        "Vinh City": ALIAS_STRONG,
        "Cua Lo": ALIAS_LANDMARK,
        "Song Lam Nghe An": ALIAS_CLUB,
        "Pu Mat": ALIAS_LANDMARK,
    },
    "Hà Tĩnh": {"Ha Tinh": ALIAS_STRONG, "Vung Ang": ALIAS_LANDMARK, "Hong Linh Ha Tinh": ALIAS_CLUB},
    "Hưng Yên": {"Hung Yen": ALIAS_STRONG, "Pho Hien": ALIAS_STRONG, "Thai Binh": ALIAS_STRONG},
}
# Words that mark an unaccented field as English rather than Vietnamese written without diacritics.
ENGLISH_WORDS: frozenset[str] = frozenset(
    "the of in and to a on for with province city from at by is".split()
)
# A field needs this many English function words to be read as English.
ENGLISH_MIN_WORDS = 2

# Words right before a province name that make it a person's origin, not the story's setting ("quê Nghệ An",
# "người con xứ Nghệ", "gốc Hà Tĩnh"): a mention unless the story is set there too (issue #12's boundary rule).
# A residence ("ngụ Hà Tĩnh", "ngụ tỉnh Hưng Yên", "trú tại …") and a traveller's starting point ("xuất phát từ
# Nghệ An") are the same kind of framing (docs/relevance.md's conventions).
ORIGIN_CUES: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split())
    for w in ("quê, quê ở, quê gốc, quê quán, quê hương, gốc, người con, xuất thân từ, sinh ra ở, sinh ra tại, "
              "ngụ, ngụ ở, ngụ tại, ngụ tỉnh, trú ở, trú tại, trú tỉnh, thường trú tại, xuất phát từ, người, đồng hương, "
              "tiếng, giọng").split(", ")  # the last two: a dialect ("tiếng Nghệ An") is culture, as Nghệ Tĩnh is
)
# Words right before a place (a designator may stand between) saying the event is there, whatever else the field
# names: a road's section ("cao tốc Hà Nội - Hải Phòng, đoạn qua tỉnh Hưng Yên"), an area of responsibility.
LOCATION_CUES: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split()) for w in "đoạn qua, đoạn đi qua, đoạn thuộc, địa phận, trên địa bàn, địa bàn".split(", ")
)
# Words before a street's name: a place closing a longer capitalised name after one ("đường Xô Viết Nghệ Tĩnh",
# "phố Lý Thường Kiệt Vinh"…) names the street, not the place (docs/relevance.md: streets named after places).
STREET_WORDS: frozenset[str] = frozenset({"đường", "phố", "đại lộ"})
# Words opening a regional range ("từ Thanh Hoá đến Hà Tĩnh", "các tỉnh từ Nghệ An - Quảng Trị"): a place
# inside the range is one of many, a mention.
RANGE_OPEN: frozenset[str] = frozenset({"từ", "hướng"})  # "theo hướng Nghệ An - Hà Nội" is a road direction
# Openers of a range only with "đến" / "tới" ("đổ bộ vào Nghệ An đến bắc Quảng Trị"): "vào Nghệ An - Hà Tĩnh" is a
# two-province landfall, and "giẫm vào … trận Hà Tĩnh thắng Hà Nội" no range at all.
RANGE_OPEN_TO_ONLY: frozenset[str] = frozenset({"vào"})
RANGE_TO: frozenset[str] = frozenset({"đến", "tới"})
RANGE_CLOSE: frozenset[str] = RANGE_TO | {"-", "–"}
# Longest range (tokens from "từ" to the second place's end) that still reads as one range.
RANGE_MAX_TOKENS = 16  # "từ nút giao Nghi Sơn (Thanh Hoá) đến nút giao Vũng Áng (Hà Tĩnh)" is 15

# A lead with a score ("3-1") or one of these is a match report: the club named in it is one of the two sides,
# so the story is the province's (issue #12's boundary rule), even when the title names only the other team.
MATCH_WORDS: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split())
    for w in ("thắng, thua, hoà, hòa, đánh bại, cầm hoà, cầm hòa, trận đấu, trận cầu, thất bại trước, chia điểm, "
              "ngược dòng, thẻ đỏ, chung kết, tiếp đón, đón tiếp, làm khách").split(", ")
)
# ... unless it reads as a round summary or a table, where the club is one of many: a mention.
ROUND_WORDS: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split()) for w in "lượt trận, các trận, bảng xếp hạng, ngày ra quân, các bảng".split(", ")
)
# Title openings of standings and round pages.
ROUND_TITLE_PREFIXES: tuple[str, ...] = ("bảng xếp hạng",)

# Aliases that name a sports club or its ground.
CLUB_ALIASES: frozenset[str] = frozenset(
    {
        "SLNA",
        "Sông Lam Nghệ An",
        "sân Vinh",
        "Hồng Lĩnh Hà Tĩnh",
        "CLB Hà Tĩnh",
        "Song Lam Nghe An",
        "Hong Linh Ha Tinh",
    }
)

# Words of a title about a storm: a storm forecast to hit the province, named in the title, is its story even
# inside a range ("Bão số 5 hướng vào Nghệ An - Quảng Trị"; docs/relevance.md's conventions), unlike a rain forecast.
STORM_WORDS: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split()) for w in "bão, siêu bão, áp thấp nhiệt đới, atnđ".split(", ")
)

# Macro-regions: a title or lead naming them next to the province is a regional roundup (counted as "others").
REGIONS: tuple[str, ...] = tuple(
    "Bắc Bộ, Trung Bộ, Nam Bộ, Bắc Trung Bộ, Nam Trung Bộ, Tây Nguyên, Tây Bắc, Đông Bắc, miền Bắc, "
    "miền Trung, miền Nam, miền Tây, Đồng bằng sông Cửu Long".split(", ")
)

# Words that, right before a name, say "this is an administrative unit" (lowercased tokens, multi-word allowed).
DESIGNATORS: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split())
    for w in (
        "tỉnh, thành phố, tp, huyện, thị xã, tx, thị trấn, tt, xã, x, phường, p, đặc khu, h, quận, q, "
        "ở, tại, về, vùng, địa bàn"
    ).split(", ")
)
# Designators that only exist in big cities: a unit of ours behind them is another place with the same name.
URBAN_ONLY_DESIGNATORS: frozenset[tuple[str, ...]] = frozenset({("quận",), ("q",)})

# Role words that precede a person's name in news copy ("anh Vinh", "HLV Hồng Vinh", "bị cáo Văn Vinh").
PERSON_TITLES: frozenset[tuple[str, ...]] = frozenset(
    tuple(w.split())
    for w in (
        "ông, bà, anh, chị, em, cô, chú, bác, cháu, cụ, thầy, bé, cậu, dì, mợ, hlv, cầu thủ, tiền đạo, "
        "tiền vệ, hậu vệ, trung vệ, thủ môn, ca sĩ, diễn viên, nghệ sĩ, nsnd, nsưt, đạo diễn, xạ thủ, "
        "cơ thủ, kình ngư, tay vợt, vđv, kỳ thủ, bị cáo, nghi phạm, nghi can, bị can, gs, pgs, ts, bs, "
        "đồng chí, người mẫu, nhà văn, nhà thơ, nhạc sĩ, họa sĩ, sinh viên, học sinh, đại sứ, võ sĩ, "
        "mc"
    ).split(", ")
)
# Common Vietnamese family names: a capitalized one right before a place name makes it a person's name.
SURNAMES: frozenset[str] = frozenset(
    s.lower()
    for s in (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Trịnh Trương Lâm "
        "Phùng Tô Cao Lưu Tạ Châu Quách Lương Kiều Vương Tăng Lại Thân Mạc Chu Triệu Khổng Văn Thị"
    ).split()
)

# Middle names: a district named "Văn Lâm" or "Văn Giang" reads as a person ("Văn Lâm bắt chính", "Phan Văn
# Giang") unless designated ("huyện Văn Giang", "ở Văn Lâm"), so it weighs as a commune, not as a district.
MIDDLE_NAMES: frozenset[str] = frozenset({"văn", "thị"})

# Frequent lowercase compounds in 2025-26 news titles that the Viet74K dictionary lacks; each one starts or ends
# with a place syllable and would otherwise read as the place (counted in ../shared/data/news, see docs/relevance.md).
EXTRA_TRAP_PHRASES: tuple[str, ...] = tuple(
    "vinh danh, tôn vinh, hiển vinh, vinh quy, vinh hạnh, vinh dự, vinh quang, vinh hoa, "
    "thái bình dương, cửa lò xo, liên hợp quốc, đông dương".split(", ")
)

# Title openings of multi-story bulletins: a province in such a title is one story among many.
DIGEST_TITLE_PREFIXES: tuple[str, ...] = tuple(
    ("điểm tin, toàn cảnh, xem nhanh, bản tin, tin nóng, tin sáng, tin tối, thời sự, tin tức sáng, tin tức trưa, "
     "tin tức chiều, tin tức tối, tin tức đặc biệt, những tấm lòng vàng").split(", ")  # the last: Thanh Niên's list of donations
)
# Separator that bulletin titles use between stories ("Điểm tin 17h: A | B").
DIGEST_TITLE_SEPARATOR = "|"

# District-level names and nicknames of Nghệ An, Hà Tĩnh and Hưng Yên whose diacritic-free spelling mostly
# means something else in real text ("điện Châu Âu", "cơn cuồng", "vụ thu"): found by folding 153k news titles
# and summaries plus VNTC articles (../shared) and counting other accented readings above 20 % of the name's own.
# tests/classify/test_gazetteer.py re-runs the check on ../shared; add a name here when it fails.
EXTRA_FOLD_COLLISIONS: tuple[str, ...] = tuple(
    "Con Cuông, Cửa Lò, Diễn Châu, Hưng Nguyên, Mỹ Hào, Nghi Xuân, Nghệ Tĩnh, Phù Cừ, Phố Hiến, "
    "Thanh Chương, Văn Lâm, Vũ Quang, Vũ Thư, Ân Thi, Đông Hưng".split(", ")
)
