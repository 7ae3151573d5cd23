"""Cells written for spreadsheets: text a spreadsheet would run as a formula stays text."""
from __future__ import annotations

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
