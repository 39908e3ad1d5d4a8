"""The six-monthly report as files an agency sends upward: an .xlsx workbook (openpyxl)
and a printable HTML page — the same numbers, Vietnamese headings."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from search.reports import ReportRow, SixMonthReport
from search.reuse import vn_date

from .labels import REPORT_GROUP_LABELS
from .templating import make_templates

TITLE = "BÁO CÁO KẾT QUẢ SỐ HÓA KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"


def headings(report: SixMonthReport) -> list[str]:
    return (["STT", REPORT_GROUP_LABELS[report.by], "Số hóa trong kỳ", "Tổng số đã số hóa"]
            + [f"Theo giai đoạn: {p.label}" for p in report.phases]
            + ["Còn hiệu lực", "Tỷ lệ còn hiệu lực (%)", "Lượt tái sử dụng trong kỳ"])


def cells(row: ReportRow, report: SixMonthReport) -> list:
    share = round(100 * row.valid / row.digitized_total, 1) if row.digitized_total else 0.0
    return ([row.agency, row.digitized_in_period, row.digitized_total]
            + [row.by_phase.get(p.label, 0) for p in report.phases]
            + [row.valid, share, row.reused_in_period])


def period_line(report: SixMonthReport) -> str:
    line = f"Kỳ báo cáo: từ ngày {vn_date(report.date_from)} đến ngày {vn_date(report.date_to)}"
    line += f" — Cơ quan: {report.agency}" if report.agency else ""
    return line + (f" — Theo {REPORT_GROUP_LABELS[report.by].lower()} (sau sắp xếp đơn vị hành chính 01/7/2025)"
                   if report.by != "agency" else "")


#: What makes a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell) -> None:
    """A text cell never becomes a formula: an agency name read off a document (or typed in
    a manifest) that starts with '=' would run in the clerk's spreadsheet (formula
    injection). Kept as the text it is, with the quote prefix spreadsheets show for it."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def to_xlsx(report: SixMonthReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    heads = headings(report)
    ws.append([TITLE])
    ws.append([period_line(report)])
    ws.append([f"Số liệu đến hết ngày {vn_date(report.date_to)}; hiệu lực tính tại ngày này."])
    ws.append([])
    ws.append(heads)
    header_row = ws.max_row
    for i, row in enumerate(report.rows, start=1):
        ws.append([i, *cells(row, report)])
    ws.append(["", *cells(report.total, report)])
    total_row = ws.max_row

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(heads))
    ws["A1"].font = Font(bold=True, size=13)
    ws["A1"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="999999")
    for row in ws.iter_rows(min_row=header_row, max_row=total_row, max_col=len(heads)):
        for c in row:
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            _as_text(c)
    for c in ws[header_row]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DCE6F4")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for c in ws[total_row]:
        c.font = Font(bold=True)
    ws.row_dimensions[header_row].height = 48
    widths = [6, 46, 14, 14] + [18] * len(report.phases) + [14, 14, 16]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_html(report: SixMonthReport) -> str:
    """The printable page, standalone (inline style), so it can be saved or mailed as is."""
    template = make_templates().env.get_template("report_print.html")
    return template.render(report=report, headings=headings(report), cells=cells, period=period_line(report),
                           title=TITLE)
