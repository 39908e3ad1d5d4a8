"""Names, places and agencies that sample results are made of.

Places are real units, of both periods: a result issued before 1 July 2025 names the units
of its day (province, district, commune); one issued since names the units the 2025
reorganisation made (34 provinces, no district level), where the same people now live
(``NEW_UNITS``). Surnames, middle and given names are the common ones, so the same full
name recurs across documents as it does in real archives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc",
              "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hòa", "Thủy", "Lực"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngọc",
                "Nhung", "Phương", "Thảo", "Trang", "Yến", "Hòa", "Thúy", "Loan"]

#: Province -> (code of the CCCD birth-place prefix, districts -> communes).
PLACES: dict[str, tuple[str, dict[str, list[str]]]] = {
    "tỉnh Bắc Giang": ("024", {
        "huyện Lục Ngạn": ["xã Tân Mộc", "xã Phượng Sơn", "xã Nam Dương", "xã Quý Sơn"],
        "huyện Yên Thế": ["xã Đồng Kỳ", "xã Tam Tiến", "xã Đồng Lạc"],
        "thành phố Bắc Giang": ["phường Trần Phú", "phường Ngô Quyền", "phường Hoàng Văn Thụ"],
    }),
    "thành phố Hà Nội": ("001", {
        "quận Cầu Giấy": ["phường Dịch Vọng", "phường Mai Dịch", "phường Nghĩa Đô"],
        "huyện Đông Anh": ["xã Uy Nỗ", "xã Kim Chung", "xã Vân Nội"],
        "quận Hoàn Kiếm": ["phường Hàng Bạc", "phường Tràng Tiền", "phường Hàng Trống"],
    }),
    "tỉnh Thanh Hóa": ("038", {
        "thành phố Thanh Hóa": ["phường Điện Biên", "phường Ba Đình", "phường Lam Sơn"],
        "huyện Hoằng Hóa": ["xã Hoằng Quỳ", "xã Hoằng Đạt", "xã Hoằng Lộc"],
    }),
    "tỉnh Nghệ An": ("040", {
        "thành phố Vinh": ["phường Hưng Bình", "phường Lê Mao", "phường Trường Thi"],
        "huyện Diễn Châu": ["xã Diễn Kỷ", "xã Diễn Hồng", "xã Diễn Thành"],
    }),
    "thành phố Đà Nẵng": ("048", {
        "quận Hải Châu": ["phường Thạch Thang", "phường Phước Ninh", "phường Hòa Cường Bắc"],
        "quận Sơn Trà": ["phường An Hải Bắc", "phường Mân Thái", "phường Thọ Quang"],
    }),
    "thành phố Hồ Chí Minh": ("079", {
        "Quận 1": ["phường Bến Nghé", "phường Bến Thành", "phường Đa Kao"],
        "thành phố Thủ Đức": ["phường Linh Trung", "phường Hiệp Bình Chánh", "phường Thảo Điền"],
    }),
    "thành phố Cần Thơ": ("092", {
        "quận Ninh Kiều": ["phường Tân An", "phường An Hòa", "phường Xuân Khánh"],
        "huyện Phong Điền": ["xã Nhơn Ái", "xã Mỹ Khánh", "xã Giai Xuân"],
    }),
}

#: The day the new units took effect (Nghị quyết 202/2025/QH15; 1654-1687/NQ-UBTVQH15).
NEW_UNITS_FROM = dt.date(2025, 7, 1)

#: Where each place above lies since 1 July 2025, as the resolutions name it (checked
#: against archive/data/places_2025.csv by tests/sample/test_sample.py). Where the old
#: commune was split between several new ones, the sample's people live in the one named
#: here (the first in the table); a record printed with the old name gets every candidate.
#: Phường Lê Mao (Vinh) was merged into a neighbouring ward in January 2025, before the
#: table's list of old units: a record printed with it gets no current commune, only a
#: note; the sample's people from there live in phường Thành Vinh today.
NEW_PROVINCES: dict[str, str] = {
    "tỉnh Bắc Giang": "tỉnh Bắc Ninh", "thành phố Hà Nội": "thành phố Hà Nội",
    "tỉnh Thanh Hóa": "tỉnh Thanh Hóa", "tỉnh Nghệ An": "tỉnh Nghệ An",
    "thành phố Đà Nẵng": "thành phố Đà Nẵng", "thành phố Hồ Chí Minh": "thành phố Hồ Chí Minh",
    "thành phố Cần Thơ": "thành phố Cần Thơ",
}
NEW_UNITS: dict[tuple[str, str], str] = {
    ("huyện Lục Ngạn", "xã Tân Mộc"): "xã Nam Dương",
    ("huyện Lục Ngạn", "xã Phượng Sơn"): "phường Phượng Sơn",
    ("huyện Lục Ngạn", "xã Nam Dương"): "xã Nam Dương",
    ("huyện Lục Ngạn", "xã Quý Sơn"): "phường Phượng Sơn",
    ("huyện Yên Thế", "xã Đồng Kỳ"): "xã Đồng Kỳ",
    ("huyện Yên Thế", "xã Tam Tiến"): "xã Tam Tiến",
    ("huyện Yên Thế", "xã Đồng Lạc"): "xã Yên Thế",
    ("thành phố Bắc Giang", "phường Trần Phú"): "phường Bắc Giang",
    ("thành phố Bắc Giang", "phường Ngô Quyền"): "phường Bắc Giang",
    ("thành phố Bắc Giang", "phường Hoàng Văn Thụ"): "phường Bắc Giang",
    ("quận Cầu Giấy", "phường Dịch Vọng"): "phường Nghĩa Đô",  # split: Nghĩa Đô | Cầu Giấy
    ("quận Cầu Giấy", "phường Mai Dịch"): "phường Nghĩa Đô",  # split: Nghĩa Đô | Từ Liêm | Phú Diễn
    ("quận Cầu Giấy", "phường Nghĩa Đô"): "phường Nghĩa Đô",  # split: Ngọc Hà | Tây Hồ | Nghĩa Đô
    ("huyện Đông Anh", "xã Uy Nỗ"): "xã Đông Anh",  # split: Đông Anh | Thư Lâm
    ("huyện Đông Anh", "xã Kim Chung"): "xã Thiên Lộc",  # split: Thiên Lộc | Vĩnh Thanh
    ("huyện Đông Anh", "xã Vân Nội"): "xã Phúc Thịnh",
    ("quận Hoàn Kiếm", "phường Hàng Bạc"): "phường Hoàn Kiếm",
    ("quận Hoàn Kiếm", "phường Tràng Tiền"): "phường Hoàn Kiếm",  # split: Hoàn Kiếm | Cửa Nam
    ("quận Hoàn Kiếm", "phường Hàng Trống"): "phường Hoàn Kiếm",  # split: Hoàn Kiếm | Cửa Nam
    ("thành phố Thanh Hóa", "phường Điện Biên"): "phường Hạc Thành",
    ("thành phố Thanh Hóa", "phường Ba Đình"): "phường Hạc Thành",
    ("thành phố Thanh Hóa", "phường Lam Sơn"): "phường Hạc Thành",
    ("huyện Hoằng Hóa", "xã Hoằng Quỳ"): "xã Hoằng Giang",
    ("huyện Hoằng Hóa", "xã Hoằng Đạt"): "xã Hoằng Hóa",
    ("huyện Hoằng Hóa", "xã Hoằng Lộc"): "xã Hoằng Lộc",
    ("thành phố Vinh", "phường Hưng Bình"): "phường Thành Vinh",
    ("thành phố Vinh", "phường Lê Mao"): "phường Thành Vinh",  # not in the table: see above
    ("thành phố Vinh", "phường Trường Thi"): "phường Trường Vinh",
    ("huyện Diễn Châu", "xã Diễn Kỷ"): "xã Đức Châu",
    ("huyện Diễn Châu", "xã Diễn Hồng"): "xã Đức Châu",
    ("huyện Diễn Châu", "xã Diễn Thành"): "xã Diễn Châu",
    ("quận Hải Châu", "phường Thạch Thang"): "phường Hải Châu",
    ("quận Hải Châu", "phường Phước Ninh"): "phường Hải Châu",
    ("quận Hải Châu", "phường Hòa Cường Bắc"): "phường Hòa Cường",
    ("quận Sơn Trà", "phường An Hải Bắc"): "phường An Hải",
    ("quận Sơn Trà", "phường Mân Thái"): "phường Sơn Trà",
    ("quận Sơn Trà", "phường Thọ Quang"): "phường Sơn Trà",
    ("Quận 1", "phường Bến Nghé"): "phường Sài Gòn",
    ("Quận 1", "phường Bến Thành"): "phường Bến Thành",
    ("Quận 1", "phường Đa Kao"): "phường Tân Định",  # split: Tân Định | Sài Gòn
    ("thành phố Thủ Đức", "phường Linh Trung"): "phường Linh Xuân",
    ("thành phố Thủ Đức", "phường Hiệp Bình Chánh"): "phường Hiệp Bình",
    ("thành phố Thủ Đức", "phường Thảo Điền"): "phường An Khánh",
    ("quận Ninh Kiều", "phường Tân An"): "phường Ninh Kiều",
    ("quận Ninh Kiều", "phường An Hòa"): "phường Cái Khế",
    ("quận Ninh Kiều", "phường Xuân Khánh"): "phường Ninh Kiều",
    ("huyện Phong Điền", "xã Nhơn Ái"): "xã Nhơn Ái",
    ("huyện Phong Điền", "xã Mỹ Khánh"): "phường An Bình",
    ("huyện Phong Điền", "xã Giai Xuân"): "xã Phong Điền",
}

STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
           "Hùng Vương", "Phan Bội Châu", "Lê Duẩn", "Nguyễn Huệ"]
HAMLET_WORDS = ["thôn", "xóm", "tổ dân phố"]

COMPANY_WORDS = ["Thành Đạt", "Hưng Thịnh", "Phú Quý", "An Khang", "Minh Phát", "Hòa Bình",
                 "Sao Việt", "Trường Sơn", "Bình Minh", "Đông Á"]
COMPANY_TRADES = ["Thương mại và Dịch vụ", "Xây dựng", "Thực phẩm", "Vận tải", "Nông sản", "Công nghệ"]
SHOP_TRADES = ["bán lẻ lương thực, thực phẩm", "dịch vụ ăn uống", "sửa chữa xe máy",
               "bán lẻ vật liệu xây dựng", "may mặc", "tạp hóa"]
FOOD_BUSINESSES = ["cơ sở sản xuất bánh kẹo", "cơ sở chế biến nước mắm", "bếp ăn tập thể",
                   "cơ sở sản xuất giò chả", "nhà hàng ăn uống"]
PRACTICE_SCOPES = ["Khám bệnh, chữa bệnh chuyên khoa Nội", "Khám bệnh, chữa bệnh chuyên khoa Nhi",
                   "Khám bệnh, chữa bệnh bằng y học cổ truyền", "Khám bệnh, chữa bệnh chuyên khoa Răng Hàm Mặt"]


@dataclass(frozen=True)
class Place:
    """A place as printed: with its district before 1 July 2025, without one since."""

    province: str
    district: str | None
    commune: str

    def on(self, day: dt.date) -> Place:
        """The same place as a result issued on ``day`` names it."""
        if day < NEW_UNITS_FROM or self.district is None:
            return self
        return Place(NEW_PROVINCES[self.province], None, NEW_UNITS[(self.district, self.commune)])

    @property
    def tail(self) -> str:
        """The end of an address: 'xã Tân Mộc, huyện Lục Ngạn, tỉnh Bắc Giang', or since
        July 2025 'xã Nam Dương, tỉnh Bắc Ninh'."""
        return ", ".join(u for u in (self.commune, self.district, self.province) if u)

    @property
    def local_unit(self) -> str:
        """The unit below the province that issues what districts used to: the district,
        or since July 2025 the commune."""
        return self.district or self.commune

    @property
    def local_level(self) -> str:
        return "district" if self.district else "commune"

    @property
    def commune_short(self) -> str:
        for prefix in ("thị trấn ", "đặc khu ", "phường ", "xã "):
            if self.commune.startswith(prefix):
                return self.commune[len(prefix):]
        return self.commune

    @property
    def province_short(self) -> str:
        """'tỉnh Bắc Giang' -> 'Bắc Giang' (the form used in agency names)."""
        for prefix in ("thành phố ", "tỉnh "):
            if self.province.startswith(prefix):
                return self.province[len(prefix):]
        return self.province

    @property
    def city_word(self) -> str:
        """The place name printed before the date line: 'Lục Ngạn, ngày …' (since July 2025
        the commune's: 'Nam Dương, ngày …')."""
        if self.district is None:
            return self.commune_short
        for prefix in ("thành phố ", "huyện ", "quận ", "thị xã "):
            if self.district.startswith(prefix):
                return self.district[len(prefix):]
        return self.district


def all_places() -> list[Place]:
    return [Place(p, d, c) for p, (_, ds) in PLACES.items() for d, cs in ds.items() for c in cs]


def province_code(province: str) -> str:
    return PLACES[province][0]
