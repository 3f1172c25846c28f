"""CSV with HXL hashtags (the Humanitarian Exchange Language, https://hxlstandard.org/).

Every CSV Njia exports has a header row for people, then a row of HXL hashtags such as
``#adm1+code`` or ``#indicator+pct+within10km`` so that 4W and service-mapping tools (HXL
Proxy, Quick Charts, partners' spreadsheets) recognise the columns, then the data. Text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_HASHTAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A CSV column: the key in each row, the header people read, and its HXL hashtag."""

    key: str
    header: str
    hashtag: str

    def __post_init__(self) -> None:
        if not _HASHTAG.match(self.hashtag):
            raise ValueError(f"not an HXL hashtag: {self.hashtag!r}")


def cell(value: Any) -> str | int | float:
    """A value as written: None empty, booleans as 1/0, formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> str:
    """The CSV text: header row, hashtag row, then one line per row (CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    writer.writerow([c.hashtag for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c.key)) for c in columns])
    return out.getvalue()
