"""Names, places and agencies that sample results are made of.

Places are real units as printed on results issued before the 2025 reorganization
(provinces merged, district level abolished); surnames, middle and given names are the
common ones, so the same full name recurs across documents as it does in real archives.
"""

from __future__ import annotations

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
    province: str
    district: str
    commune: str

    @property
    def province_short(self) -> str:
        """'tỉnh Bắc Giang' -> 'Bắc Giang' (the form used in agency names)."""
        for prefix in ("thành phố ", "tỉnh "):
            if self.province.startswith(prefix):
                return self.province[len(prefix):]
        return self.province

    @property
    def city_word(self) -> str:
        """The place name printed before the date line: 'Lục Ngạn, ngày …'."""
        for prefix in ("thành phố ", "huyện ", "quận ", "thị xã "):
            if self.district.startswith(prefix):
                return self.district[len(prefix):]
        return self.district


def all_places() -> list[Place]:
    return [Place(p, d, c) for p, (_, ds) in PLACES.items() for d, cs in ds.items() for c in cs]


def province_code(province: str) -> str:
    return PLACES[province][0]
