"""Cells written for spreadsheets: text a spreadsheet would run as a formula stays text."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

# A cell starting with one of these is a formula (or, after a tab or CR, may become one) to
# Excel, LibreOffice or Google Sheets. A leading "'" makes them show the rest as text; a cell
# that starts with "'" itself gets one more, so that it is shown as it was written.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def safe_cell(value: Any) -> Any:
    """VALUE as a spreadsheet cell: text that would run as a formula gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(cell: str) -> str:
    """Undo safe_cell, for a file written by an export and imported again."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def csv_file(header: list[str], rows: list[list[Any]]) -> bytes:
    """HEADER and ROWS as a CSV file Polish Excel opens as it is: ";" between cells (the comma
    is the decimal sign there), UTF-8 with a BOM, CRLF; formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def xlsx_file(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """HEADER and ROWS as one sheet named TITLE of an .xlsx workbook: a bold, frozen header
    with a filter, columns as wide as their text (within reason), dates as dates, numbers as
    numbers, formulas defused. Datetimes must be naive (a spreadsheet knows no time zones)."""
    return xlsx_workbook([(title, header, rows)])


def xlsx_workbook(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An .xlsx workbook of one sheet per (TITLE, HEADER, ROWS), each as xlsx_file makes it."""
    from openpyxl import Workbook  # loaded only by exports

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        _sheet(book.create_sheet(_sheet_title(title)), header, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(sheet, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in header]
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(str(value)) if value is not None else 0)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width, 8) + 2, 60)
        for cell in sheet[get_column_letter(i)][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join(" " if c in "[]:*?/\\" else c for c in title)[:31].strip() or "Sheet"


def read_xlsx(content: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """The first sheet of an .xlsx workbook as (row number, cells as text), its first MAX_ROWS
    rows that are not empty: numbers as typed ("3", not "3.0"), dates as YYYY-MM-DD, booleans as true/false.
    ValueError if CONTENT is no workbook."""
    import zipfile

    from openpyxl import load_workbook  # loaded only by imports

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ValueError("not a workbook") from error
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_text_of(v) for v in values]
            if any(cells):  # formatted but empty rows neither count nor matter
                rows.append((number, cells))
                if len(rows) >= max_rows:
                    break
        return rows
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise ValueError("not a workbook") from error
    finally:
        book.close()


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == datetime.min.time()
                else value.isoformat(sep=" ", timespec="minutes"))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
