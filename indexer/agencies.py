"""The names agencies that issue results can have, as the law gives them.

Why a list: the agency block is set in bold capitals, which OCR reads worst, and on scans
the rule under it or specks beside it come out as stray letters glued to the name
('SỞ Y TẾ SỐ Ộ - -'). The specialised agencies of a province or a district are not free
text: the Government fixes their names (Decrees 24/2014 and 107/2020 for the sở of a
province, 37/2014 and 108/2020 for the phòng of a district, and the names the 2025
reorganisation gave; plus the units under them that issue results themselves). Reading
stops where a known name ends, and the name is written as the law spells it. A name not
on the list is kept as read: the list makes reading better, it never rejects an agency.
"""

from __future__ import annotations

from search.analysis import fold

#: Fields of the sở of a province and the phòng of a district, past and present.
_FIELDS = [
    "Nội vụ", "Tư pháp", "Kế hoạch và Đầu tư", "Tài chính", "Công Thương",
    "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường", "Giao thông vận tải",
    "Xây dựng", "Tài nguyên và Môi trường", "Thông tin và Truyền thông",
    "Lao động - Thương binh và Xã hội", "Văn hóa, Thể thao và Du lịch", "Văn hóa và Thể thao",
    "Văn hóa - Thể thao", "Du lịch", "Khoa học và Công nghệ", "Giáo dục và Đào tạo", "Y tế",
    "Ngoại vụ", "Dân tộc và Tôn giáo", "Quy hoạch - Kiến trúc",
    "Tài chính - Kế hoạch", "Văn hóa và Thông tin", "Văn hóa, Khoa học và Thông tin", "Kinh tế",
    "Kinh tế và Hạ tầng", "Kinh tế, Hạ tầng và Đô thị", "Quản lý đô thị", "Dân tộc", "Y tế - Dân số",
]
#: Units below a sở that sign results in their own name.
_UNITS = [
    "Phòng Đăng ký kinh doanh", "Văn phòng Đăng ký đất đai", "Chi cục An toàn vệ sinh thực phẩm",
    "Chi cục Dân số - Kế hoạch hóa gia đình", "Chi cục Thú y", "Chi cục Chăn nuôi và Thú y",
    "Chi cục Trồng trọt và Bảo vệ thực vật", "Chi cục Thủy sản", "Chi cục Kiểm lâm",
    "Chi cục Quản lý đất đai", "Chi cục Bảo vệ môi trường", "Chi cục Quản lý thị trường",
    "Chi cục Văn thư - Lưu trữ", "Chi cục Giám định xây dựng", "Trung tâm Phục vụ hành chính công",
]

#: The central bodies whose texts the province's results cite and keep beside them (the
#: Constitution and the Law on Government Organisation name them; ministries past and present).
_CENTRAL = [
    "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Văn phòng Quốc hội", "Chính phủ", "Thủ tướng Chính phủ",
    "Văn phòng Chính phủ", "Thanh tra Chính phủ", "Ngân hàng Nhà nước Việt Nam", "Kiểm toán Nhà nước",
    "Bảo hiểm xã hội Việt Nam", "Tổng Liên đoàn Lao động Việt Nam", "Tòa án nhân dân tối cao",
    "Viện kiểm sát nhân dân tối cao", "Ủy ban Dân tộc",
    *(f"Bộ {f}" for f in (
        "Quốc phòng", "Công an", "Ngoại giao", "Nội vụ", "Tư pháp", "Tài chính", "Công Thương",
        "Kế hoạch và Đầu tư", "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường",
        "Giao thông vận tải", "Xây dựng", "Tài nguyên và Môi trường", "Thông tin và Truyền thông",
        "Lao động - Thương binh và Xã hội", "Văn hóa, Thể thao và Du lịch", "Khoa học và Công nghệ",
        "Giáo dục và Đào tạo", "Y tế", "Dân tộc và Tôn giáo")),
]

CENTRAL: frozenset[str] = frozenset(_CENTRAL)

NAMES: list[str] = sorted(
    {"Ủy ban nhân dân"} | {f"Sở {f}" for f in _FIELDS} | {f"Phòng {f}" for f in _FIELDS} | set(_UNITS)
    | set(_CENTRAL),
    key=len, reverse=True,  # longest first: 'Sở Văn hóa, Thể thao và Du lịch' before 'Sở Văn hóa …'
)
_KEYS = [("".join(c for c in fold(n).lower() if c.isalnum()), n) for n in NAMES]
#: What may follow a name glued to it ('ĐẦU TƯTỈNH NGHỆ AN'): the unit word of a locality.
_UNIT_KEYS = ("tinh", "thanhpho", "huyen", "quan", "thixa", "xa", "phuong", "thitran")


def known_prefix(read: str) -> tuple[str, str] | None:
    """The known name that ``read`` starts with (diacritics, case, spaces and punctuation
    aside), and what follows it: ('Sở Y tế', 'SỐ Ộ') for 'SỞ Y TẾ SỐ Ộ'; None if no name fits."""
    letters = [(i, c) for i, c in enumerate(read) if c.isalnum()]
    folded = "".join(fold(c).lower() for _, c in letters)  # one folded letter per letter read
    for key, name in _KEYS:
        if not folded.startswith(key):
            continue
        end = letters[len(key) - 1][0] + 1
        rest = read[end:]
        if rest[:1].isalnum() and not folded[len(key):].startswith(_UNIT_KEYS):
            continue  # the read word goes on: another name ('Phòng Kinh tế' in 'Phòng Kinh tế và Hạ tầng')
        return name, rest.strip(" -,")
    return None
