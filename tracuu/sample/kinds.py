"""The kinds of result the sample holds, each laid out as Decree 30/2020/NĐ-CP prescribes:
agency block top-left with the number, national motto and place-date line top-right, title
in capitals, body, signature block; and the record fields that the document states.

A result issued since 1 July 2025 names the units of that day (no district): what a
district issued before, the commune issues (Luật Tổ chức chính quyền địa phương 2025), and
household businesses register with the commune's Phòng Kinh tế. Every kind draws the same
random numbers in either period, so a seed gives the same results before that day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Callable

from search.dates import add_months

from .gazetteer import (
    COMPANY_TRADES, COMPANY_WORDS, FOOD_BUSINESSES, PRACTICE_SCOPES, SHOP_TRADES,
    STREETS, Place,
)

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@dataclass
class Person:
    name: str
    male: bool
    born: dt.date
    cmnd: str  # 9 digits, printed on results issued before CCCD existed (2016)
    cccd: str  # 12 digits
    place: Place
    street: str

    def id_on(self, day: dt.date) -> tuple[str, str]:
        """(label, number) printed on a result issued on ``day``."""
        if day.year >= 2016:
            return "Số CCCD", self.cccd
        return "Số CMND", self.cmnd

    @property
    def title(self) -> str:
        return "ông" if self.male else "bà"

    def address_on(self, day: dt.date) -> str:
        """The address as a result issued on ``day`` prints it (the units of that day)."""
        return f"{self.street}, {self.place.on(day).tail}"


@dataclass
class Layout:
    agency: list[str]          # top-left, capitals; last line is the issuing unit
    number: str                # "Số: 45/GPXD-UBND"
    date_line: str             # "Lục Ngạn, ngày 08 tháng 4 năm 2021"
    title: list[str]           # centred, bold
    body: list[str]            # paragraphs
    signature: list[str]       # bottom-right, ends with the signer's name
    recipients: list[str] = field(default_factory=list)  # bottom-left "Nơi nhận:"

    def reading_order(self) -> list[str]:
        return [*self.agency, self.number, *MOTTO, self.date_line, *self.title, *self.body,
                *self.signature, *self.recipients]


@dataclass
class Result:
    kind: str
    level: str                 # province | district | commune
    fields: dict[str, Any]     # record fields the document states (DESIGN.md names)
    layout: Layout


@dataclass
class Context:
    rng: random.Random
    place: Place
    issued: dt.date
    number: int
    subject: Person
    other: Person              # a second person where the kind needs one (spouse, parent)
    signer: str
    org_code: str              # enterprise code, 10 digits


def date_words(place_word: str, d: dt.date) -> str:
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)  # "tháng 01", "tháng 02" by the rule
    return f"{place_word}, ngày {d.day:02d} tháng {month} năm {d.year}"


def spelled(d: dt.date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _ubnd(unit: str) -> list[str]:
    return ["ỦY BAN NHÂN DÂN", unit.upper()]


def _vice_or_chair(rng: random.Random, head: str, signer: str, collective: str | None = None) -> list[str]:
    if rng.random() < 0.5:
        return [f"KT. {head}", f"PHÓ {head}", "(Đã ký)", signer]
    return ([f"TM. {collective}"] if collective else []) + [head, "(Đã ký)", signer]


def _subject_lines(c: Context, label: str = "Cấp cho") -> list[str]:
    s = c.subject
    id_label, id_number = s.id_on(c.issued)
    return [
        f"{label}: {s.title.capitalize()} {s.name}",
        f"Sinh ngày: {s.born.strftime('%d/%m/%Y')}",
        f"{id_label}: {id_number}",
        f"Nơi thường trú: {s.address_on(c.issued)}",
    ]


def _citizen_fields(c: Context, person: Person | None = None) -> dict[str, Any]:
    s = person or c.subject
    return {"subject_name": s.name, "subject_id": s.id_on(c.issued)[1], "subject_type": "citizen",
            "subject_address": s.address_on(c.issued)}


def construction_permit(c: Context) -> Result:
    p = c.place
    by_province = c.rng.random() < 0.3
    if by_province:
        agency = [f"ỦY BAN NHÂN DÂN {p.province.upper()}", "SỞ XÂY DỰNG"]
        agency_name, suffix, level = f"Sở Xây dựng {p.province}", "SXD", "province"
        work = f"Công trình nhà ở kết hợp kinh doanh {c.rng.choice([5, 7, 9])} tầng"
        procedure = ("1.009991", "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II")
        sign = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Đã ký)", c.signer]
        place_word = p.province_short
    else:
        agency = _ubnd(p.local_unit)
        agency_name, suffix, level = f"Ủy ban nhân dân {p.local_unit}", "UBND", p.local_level
        work = f"Nhà ở riêng lẻ {c.rng.choice([2, 3, 4])} tầng"
        procedure = ("1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ")
        sign = _vice_or_chair(c.rng, "CHỦ TỊCH", c.signer, "ỦY BAN NHÂN DÂN")
        place_word = p.city_word
    until = add_months(c.issued, 12)
    area = c.rng.choice([68.5, 82.0, 95.4, 120.0, 145.2])
    lot = f"Thửa đất số {c.rng.randint(10, 999)}, tờ bản đồ số {c.rng.randint(1, 60)}"
    body = [
        *_subject_lines(c),
        f"1. Được phép xây dựng công trình: {work}.",
        f"- Theo thiết kế do chủ đầu tư lập, diện tích xây dựng tầng 1: {area} m2.",
        f"- Vị trí xây dựng: {lot}, {p.tail}.",
        "2. Chủ đầu tư phải thực hiện đúng nội dung giấy phép và quy định pháp luật về xây dựng.",
        "3. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp; "
        "quá thời hạn trên thì phải đề nghị gia hạn giấy phép xây dựng.",
    ]
    summary = f"Cấp giấy phép xây dựng {work[0].lower() + work[1:]} tại {p.tail.rsplit(', ', 1)[0]}"
    return Result("construction_permit", level, {
        "result_type": "Giấy phép xây dựng", "doc_number": f"{c.number}/GPXD-{suffix}",
        "issuing_agency": agency_name, "procedure_code": procedure[0], "procedure_name": procedure[1],
        "field": "Hoạt động xây dựng", "valid_until": until, "summary": summary,
        **_citizen_fields(c),
    }, Layout(agency, f"Số: {c.number}/GPXD-{suffix}", date_words(place_word, c.issued),
              ["GIẤY PHÉP XÂY DỰNG", f"(Sử dụng cho {'công trình' if by_province else 'nhà ở riêng lẻ'})"],
              body, sign, ["Nơi nhận:", "- Chủ đầu tư;", "- Lưu: VT."]))


def household_business(c: Context) -> Result:
    p = c.place
    trade = c.rng.choice(SHOP_TRADES)
    shop_street = c.rng.choice(STREETS)
    capital = c.rng.choice([50, 100, 150, 200, 300, 500])
    body = [
        f"Tên hộ kinh doanh: {c.rng.choice(['Cửa hàng', 'Hộ kinh doanh', 'Cơ sở'])} {c.rng.choice(COMPANY_WORDS)}",
        f"Địa điểm kinh doanh: Số {c.rng.randint(1, 300)} đường {shop_street}, {p.tail}",
        f"Ngành, nghề kinh doanh: {trade}",
        f"Vốn kinh doanh: {capital}.000.000 đồng",
        *_subject_lines(c, "Họ và tên chủ hộ kinh doanh"),
    ]
    # Since July 2025 the commune's economic office registers them (Nghị định 168/2025/NĐ-CP).
    office = ("Tài chính - Kế hoạch" if p.district else
              "Kinh tế, Hạ tầng và Đô thị" if p.commune.startswith("phường") else "Kinh tế")
    return Result("household_business", p.local_level, {
        "result_type": "Giấy chứng nhận đăng ký hộ kinh doanh", "doc_number": f"{c.number}/GCN-HKD",
        "issuing_agency": f"Phòng {office} {p.local_unit}", "procedure_code": "2.000720",
        "procedure_name": "Đăng ký thành lập hộ kinh doanh",
        "field": "Thành lập và hoạt động của hộ kinh doanh",
        "summary": f"Đăng ký hộ kinh doanh ngành {trade} tại {p.commune}",
        **_citizen_fields(c),
    }, Layout([f"ỦY BAN NHÂN DÂN {p.local_unit.upper()}", f"PHÒNG {office.upper()}"],
              f"Số: {c.number}/GCN-HKD", date_words(p.city_word, c.issued),
              ["GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Đăng ký lần đầu"],
              body, ["TRƯỞNG PHÒNG", "(Đã ký)", c.signer]))


def enterprise_registration(c: Context) -> Result:
    p, s = c.place, c.subject
    company = f"CÔNG TY TNHH {c.rng.choice(COMPANY_TRADES).upper()} {c.rng.choice(COMPANY_WORDS).upper()}"
    id_label, id_number = s.id_on(c.issued)
    body = [
        f"Mã số doanh nghiệp: {c.org_code}",
        f"Đăng ký lần đầu: {spelled(c.issued)}",
        f"1. Tên công ty viết bằng tiếng Việt: {company}",
        f"2. Địa chỉ trụ sở chính: Số {c.rng.randint(1, 200)} đường {c.rng.choice(STREETS)}, {p.tail}",
        f"3. Vốn điều lệ: {c.rng.choice([1, 2, 5, 10, 20])}.000.000.000 đồng",
        "4. Thông tin về chủ sở hữu và người đại diện theo pháp luật:",
        f"Họ và tên: {s.name}    Giới tính: {'Nam' if s.male else 'Nữ'}",
        f"Sinh ngày: {s.born.strftime('%d/%m/%Y')}    Dân tộc: Kinh    Quốc tịch: Việt Nam",
        f"{id_label}: {id_number}",
        f"Địa chỉ thường trú: {s.address_on(c.issued)}",
    ]
    # The Sở Kế hoạch và Đầu tư became part of the Sở Tài chính in 2025.
    department = "Kế hoạch và Đầu tư" if p.district else "Tài chính"
    return Result("enterprise_registration", "province", {
        "result_type": "Giấy chứng nhận đăng ký doanh nghiệp", "doc_number": f"{c.number}/GCN-ĐKDN",
        "issuing_agency": f"Phòng Đăng ký kinh doanh - Sở {department} {p.province}",
        "procedure_code": "2.001610",
        "procedure_name": "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "field": "Thành lập và hoạt động của doanh nghiệp",
        "subject_name": company,
        "subject_id": c.org_code, "subject_type": "organization",
        "subject_address": body[3].split(": ", 1)[1],
        "summary": f"Đăng ký thành lập {company}",
    }, Layout([f"SỞ {department.upper()} {p.province.upper()}", "PHÒNG ĐĂNG KÝ KINH DOANH"],
              f"Số: {c.number}/GCN-ĐKDN", date_words(p.province_short, c.issued),
              ["GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN"],
              body, ["TRƯỞNG PHÒNG", "(Đã ký)", c.signer]))


def birth_extract(c: Context) -> Result:
    p, child, parent = c.place, c.subject, c.other
    body = [
        f"Họ, chữ đệm, tên: {child.name.upper()}",
        f"Ngày, tháng, năm sinh: {child.born.strftime('%d/%m/%Y')}",
        f"Giới tính: {'Nam' if child.male else 'Nữ'}    Dân tộc: Kinh    Quốc tịch: Việt Nam",
        f"Nơi sinh: {p.tail}",
        f"Số định danh cá nhân: {child.cccd}",
        f"Họ, chữ đệm, tên người {'cha' if parent.male else 'mẹ'}: {parent.name.upper()}",
        f"Nơi cư trú: {parent.address_on(c.issued)}",
        f"Đã đăng ký khai sinh tại Ủy ban nhân dân {p.commune} ngày {child.born.strftime('%d/%m/%Y')}, "
        f"số {c.rng.randint(1, 200)}, quyển số {c.rng.randint(1, 5):02d}/{child.born.year}.",
    ]
    return Result("birth_extract", "commune", {
        "result_type": "Trích lục khai sinh", "doc_number": f"{c.number}/TLKS-BS",
        "issuing_agency": f"Ủy ban nhân dân {p.commune}", "procedure_code": "2.000635",
        "procedure_name": "Cấp bản sao trích lục hộ tịch", "field": "Hộ tịch",
        "subject_name": child.name, "subject_id": child.cccd, "subject_type": "citizen",
        "subject_address": parent.address_on(c.issued),
        "summary": f"Bản sao trích lục khai sinh của {child.name}",
    }, Layout(_ubnd(p.commune), f"Số: {c.number}/TLKS-BS", date_words(p.city_word, c.issued),
              ["TRÍCH LỤC KHAI SINH", "(BẢN SAO)"], body,
              ["NGƯỜI KÝ TRÍCH LỤC", "(Đã ký)", c.signer]))


def marriage_certificate(c: Context) -> Result:
    p = c.place
    husband, wife = (c.subject, c.other) if c.subject.male else (c.other, c.subject)
    body = []
    for role, person in (("Họ, chữ đệm, tên chồng", husband), ("Họ, chữ đệm, tên vợ", wife)):
        label, number = person.id_on(c.issued)
        body += [f"{role}: {person.name.upper()}",
                 f"Ngày, tháng, năm sinh: {person.born.strftime('%d/%m/%Y')}    Dân tộc: Kinh",
                 f"Nơi cư trú: {person.address_on(c.issued)}",
                 f"Giấy tờ tùy thân: {label} {number}"]
    body += [f"Đăng ký kết hôn tại Ủy ban nhân dân {p.tail}",
             f"Ngày đăng ký: {c.issued.strftime('%d/%m/%Y')}"]
    return Result("marriage_certificate", "commune", {
        "result_type": "Giấy chứng nhận kết hôn", "doc_number": f"{c.number}/GCNKH",
        "issuing_agency": f"Ủy ban nhân dân {p.commune}", "procedure_code": "1.000894",
        # The husband is named first on the certificate and is the record's subject.
        "procedure_name": "Đăng ký kết hôn", "field": "Hộ tịch", **_citizen_fields(c, husband),
        "summary": f"Đăng ký kết hôn giữa {husband.name} và {wife.name}",
    }, Layout(_ubnd(p.commune), f"Số: {c.number}/GCNKH", date_words(p.city_word, c.issued),
              ["GIẤY CHỨNG NHẬN KẾT HÔN"], body,
              _vice_or_chair(c.rng, "CHỦ TỊCH", c.signer, "ỦY BAN NHÂN DÂN")))


def marital_status(c: Context) -> Result:
    p, s = c.place, c.subject
    until = add_months(c.issued, 6)
    purpose = c.rng.choice(["Để làm thủ tục đăng ký kết hôn", "Để làm thủ tục mua bán nhà đất",
                            "Để bổ sung hồ sơ vay vốn ngân hàng"])
    body = [
        *_subject_lines(c, "Họ, chữ đệm, tên người được cấp"),
        f"Tình trạng hôn nhân: {c.rng.choice(['Chưa đăng ký kết hôn với ai', 'Hiện tại chưa kết hôn với ai'])}",
        f"Giấy này được cấp để sử dụng vào mục đích: {purpose}",
        f"Giấy này có giá trị sử dụng 06 tháng kể từ ngày cấp, đến {spelled(until)}.",
    ]
    return Result("marital_status", "commune", {
        "result_type": "Giấy xác nhận tình trạng hôn nhân", "doc_number": f"{c.number}/XNTTHN",
        "issuing_agency": f"Ủy ban nhân dân {p.commune}", "procedure_code": "1.004873",
        "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân", "field": "Hộ tịch",
        "valid_until": until, "valid_scope": purpose, **_citizen_fields(c),
        "summary": f"Xác nhận tình trạng hôn nhân của {s.name}",
    }, Layout(_ubnd(p.commune), f"Số: {c.number}/XNTTHN", date_words(p.city_word, c.issued),
              ["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"], body,
              _vice_or_chair(c.rng, "CHỦ TỊCH", c.signer, "ỦY BAN NHÂN DÂN")))


def food_safety(c: Context) -> Result:
    p, s = c.place, c.subject
    until = add_months(c.issued, 36)
    business = c.rng.choice(FOOD_BUSINESSES)
    number = f"{c.number}/{c.issued.year}/ATTP-CNĐK"
    premises = f"Số {c.rng.randint(1, 300)} đường {c.rng.choice(STREETS)}, {p.tail}"
    body = [
        f"CHỨNG NHẬN: {business.capitalize()} {c.rng.choice(COMPANY_WORDS)}",
        f"Chủ cơ sở: {s.name}",
        f"{s.id_on(c.issued)[0]}: {s.id_on(c.issued)[1]}",
        f"Địa chỉ: {premises}",
        "ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM THEO QUY ĐỊNH",
        f"Giấy chứng nhận có hiệu lực đến {spelled(until)}.",
    ]
    return Result("food_safety", "province", {
        "result_type": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "doc_number": number,
        "issuing_agency": f"Sở Y tế {p.province}", "procedure_code": "1.001261",
        "procedure_name": "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "field": "An toàn thực phẩm", "valid_until": until, **_citizen_fields(c),
        "subject_address": premises,  # the certified premises, not the owner's home
        "summary": f"Chứng nhận {business} đủ điều kiện an toàn thực phẩm",
    }, Layout([f"ỦY BAN NHÂN DÂN {p.province.upper()}", "SỞ Y TẾ"], f"Số: {number}",
              date_words(p.province_short, c.issued),
              ["GIẤY CHỨNG NHẬN", "CƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM"], body,
              ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Đã ký)", c.signer]))


def practice_certificate(c: Context) -> Result:
    p, s = c.place, c.subject
    scope = c.rng.choice(PRACTICE_SCOPES)
    initials = "".join(w[0] for w in p.province_short.split()).upper().replace("Đ", "D")
    number = f"{c.number:06d}/{initials}-CCHN"
    body = [
        f"Họ và tên: {s.name}",
        f"Ngày, tháng, năm sinh: {s.born.strftime('%d/%m/%Y')}",
        f"{s.id_on(c.issued)[0]}: {s.id_on(c.issued)[1]}",
        f"Địa chỉ thường trú: {s.address_on(c.issued)}",
        f"Văn bằng chuyên môn: {c.rng.choice(['Bác sĩ đa khoa', 'Bác sĩ y học cổ truyền', 'Bác sĩ chuyên khoa cấp I'])}",
        f"Phạm vi hoạt động chuyên môn: {scope}",
    ]
    return Result("practice_certificate", "province", {
        "result_type": "Chứng chỉ hành nghề khám bệnh, chữa bệnh", "doc_number": number,
        "issuing_agency": f"Sở Y tế {p.province}", "procedure_code": "1.004491",
        "procedure_name": "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "field": "Khám bệnh, chữa bệnh",
        "valid_scope": scope, **_citizen_fields(c),
        "summary": f"Cấp chứng chỉ hành nghề: {scope}",
    }, Layout([f"ỦY BAN NHÂN DÂN {p.province.upper()}", "SỞ Y TẾ"], f"Số: {number}",
              date_words(p.province_short, c.issued),
              ["CHỨNG CHỈ HÀNH NGHỀ KHÁM BỆNH, CHỮA BỆNH"], body,
              ["GIÁM ĐỐC", "(Đã ký)", c.signer]))


def land_use_decision(c: Context) -> Result:
    p, s = c.place, c.subject
    area = c.rng.choice([100, 120, 150, 200, 250, 300])
    lot = f"thửa đất số {c.rng.randint(10, 999)}, tờ bản đồ số {c.rng.randint(1, 60)}"
    label, number = s.id_on(c.issued)
    # Since July 2025 the commune decides, with its economic office in place of the district's
    # office of natural resources and environment.
    office = ("Tài nguyên và Môi trường" if p.district else
              "Kinh tế, Hạ tầng và Đô thị" if p.commune.startswith("phường") else "Kinh tế")
    council = "huyện" if p.district else p.commune.split()[0]
    body = [
        f"ỦY BAN NHÂN DÂN {p.local_unit.upper()}",
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Căn cứ Luật Đất đai và các văn bản hướng dẫn thi hành;",
        "Căn cứ Nghị định số 43/2014/NĐ-CP ngày 15/5/2014 của Chính phủ quy định chi tiết thi "
        "hành một số điều của Luật Đất đai;",
        "Căn cứ Thông tư số 30/2014/TT-BTNMT ngày 02/6/2014 của Bộ Tài nguyên và Môi trường quy "
        "định về hồ sơ giao đất, cho thuê đất, chuyển mục đích sử dụng đất, thu hồi đất;",
        f"Căn cứ Quyết định phê duyệt kế hoạch sử dụng đất năm {c.issued.year} của {p.local_unit};",
        f"Xét đề nghị của {s.title} {s.name} và của Trưởng phòng {office},",
        "QUYẾT ĐỊNH:",
        f"Điều 1. Cho phép {s.title} {s.name}, {label} {number}, thường trú tại {s.address_on(c.issued)}, "
        f"được chuyển mục đích sử dụng {area} m2 đất trồng cây lâu năm sang đất ở tại nông thôn "
        f"thuộc {lot}, {p.commune}.",
        f"- Vị trí khu đất: {lot}, {p.tail}.",
        f"- Diện tích đất được chuyển mục đích sử dụng: {area} m2 (bằng chữ: {_area_words(area)} mét vuông).",
        "- Mục đích sử dụng đất trước khi chuyển: đất trồng cây lâu năm.",
        "- Mục đích sử dụng đất sau khi chuyển: đất ở tại nông thôn.",
        "- Thời hạn sử dụng đất: lâu dài.",
        "- Hình thức sử dụng đất: giao đất có thu tiền sử dụng đất.",
        "Điều 2. Người sử dụng đất có trách nhiệm nộp tiền sử dụng đất theo quy định; sử dụng "
        "đất đúng mục đích đã được chuyển; thực hiện đăng ký biến động đất đai tại Văn phòng đăng "
        "ký đất đai theo quy định của pháp luật.",
        f"Điều 3. Giao Phòng {office} chỉnh lý hồ sơ địa chính, cập nhật biến động "
        "đất đai theo quy định.",
        f"Điều 4. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Hội đồng nhân dân và "
        f"Ủy ban nhân dân {council}, Trưởng phòng {office}, Chủ tịch Ủy ban nhân dân "
        f"{p.commune} và {s.title} {s.name} chịu trách nhiệm thi hành Quyết định này.",
    ]
    return Result("land_use_decision", p.local_level, {
        "result_type": "Quyết định về việc cho phép chuyển mục đích sử dụng đất",
        "doc_number": f"{c.number}/QĐ-UBND",
        "issuing_agency": f"Ủy ban nhân dân {p.local_unit}", "procedure_code": "1.003010",
        "procedure_name": "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
        "field": "Đất đai", **_citizen_fields(c),
        "summary": f"Cho phép chuyển mục đích sử dụng {area} m2 đất sang đất ở tại {p.commune}",
    }, Layout(_ubnd(p.local_unit), f"Số: {c.number}/QĐ-UBND", date_words(p.city_word, c.issued),
              ["QUYẾT ĐỊNH", "Về việc cho phép chuyển mục đích sử dụng đất"], body,
              _vice_or_chair(c.rng, "CHỦ TỊCH", c.signer, "ỦY BAN NHÂN DÂN"),
              ["Nơi nhận:", "- Như Điều 4;", "- Lưu: VT, TNMT."]))


def _area_words(area: int) -> str:
    return {100: "một trăm", 120: "một trăm hai mươi", 150: "một trăm năm mươi", 200: "hai trăm",
            250: "hai trăm năm mươi", 300: "ba trăm"}[area]


#: Kind name -> (builder, earliest year of issue it is plausible for).
KINDS: dict[str, tuple[Callable[[Context], Result], int]] = {
    "construction_permit": (construction_permit, 1996),
    "household_business": (household_business, 2000),
    "enterprise_registration": (enterprise_registration, 2005),
    "birth_extract": (birth_extract, 2016),
    "marriage_certificate": (marriage_certificate, 1995),
    "marital_status": (marital_status, 2005),
    "food_safety": (food_safety, 2013),
    "practice_certificate": (practice_certificate, 2010),
    "land_use_decision": (land_use_decision, 1995),
}

#: The everyday phrase an officer types for each kind (topical queries).
KIND_PHRASES = {
    "construction_permit": "giấy phép xây dựng",
    "household_business": "đăng ký hộ kinh doanh",
    "enterprise_registration": "đăng ký doanh nghiệp",
    "birth_extract": "trích lục khai sinh",
    "marriage_certificate": "chứng nhận kết hôn",
    "marital_status": "xác nhận tình trạng hôn nhân",
    "food_safety": "an toàn thực phẩm",
    "practice_certificate": "chứng chỉ hành nghề",
    "land_use_decision": "chuyển mục đích sử dụng đất",
}
