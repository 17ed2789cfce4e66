"""A download's file: one CSV in a ZIP archive, as Binance's links give a compressed file.

Binance does not document the file's columns, so they are the REST rows' own fields, in the
same order and with the same text (decimals as the API writes them, booleans `true`/`false`):
a client can parse the file with what it knows of `GET /fapi/v1/income`, `allOrders` or
`userTrades`. The archive's dates are fixed, so the same rows always make the same bytes.
"""

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def csv_zip(name: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> bytes:
    """`name`.csv with a header of `columns` (then any other field a row has, as an order's
    trailing-stop fields) and a line per row, zipped."""
    columns = list(dict.fromkeys([*columns, *(key for row in rows for key in row)]))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        entry = zipfile.ZipInfo(f"{name}.csv", _FIXED_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(entry, text.getvalue())
    return archive.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
