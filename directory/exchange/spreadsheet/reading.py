"""Reading an uploaded sheet: ``.xlsx`` (openpyxl, read-only) or ``.csv`` (UTF-8 or Latin-1,
``,``, ``;`` or tab), into :class:`Sheet` objects of plain text cells.

The file type is recognised by its content, not its name. Everything that cannot be read
raises :class:`Unreadable` with a message for the person who made the file (what is wrong,
where, and what to do in Excel). Nothing here touches the directory.

Defences: a size limit (checked before anything is parsed), a limit on the uncompressed size
of an ``.xlsx`` (zip bombs), on rows, columns and cell length. Formulas are *detected*
(``data_only=False``) and the sheet refused, naming the cells: a formula's cached value may be
stale or absent, so its value cannot be trusted. Merged cells are read from the sheet's XML:
merged header cells are refused (each column needs its own title) and a value merged down a
column (one organization over several rows) is repeated into each row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml.functions import iterparse

from directory.web.i18n import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024
"""The whole workbook, uncompressed (a full 5,000-row sheet is a few megabytes)."""
MAX_PART = 25 * 1024 * 1024
"""One part of it (a sheet, the shared strings), uncompressed."""
MAX_RATIO = 100
"""Largest compression ratio of a part over 1 MB: XML of real text compresses 5 to 20 times;
a zip bomb, hundreds of times."""
MAX_ROWS = 5000
BLANK_ROWS_END = 1000
"""Reading a sheet stops after this many empty rows in a row (Excel exports trailing ones)."""
MAX_COLUMNS = 100
MAX_CELL = 4000
FORMULAS_NAMED = 10
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Unreadable(Exception):
    """The file (or one sheet) cannot be imported as it is; ``message`` says why and how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """One sheet as text. ``rows[i]`` is the sheet's row ``i + 1``; cells are stripped text."""

    name: str
    rows: list[list[str]]
    merged: list[str] = field(default_factory=list)
    """Merged ranges (``"A3:B3"``)."""
    formulas: list[str] = field(default_factory=list)
    """Cells holding a formula (``"D7"``)."""

    @property
    def empty(self) -> bool:
        return not any(any(cell for cell in row) for row in self.rows)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def read_file(name: str, data: bytes, max_bytes: int = MAX_BYTES) -> list[Sheet]:
    """The sheets of an uploaded file; raises :class:`Unreadable`."""
    if len(data) > max_bytes:
        raise Unreadable(too_large_message(max_bytes))
    if not data.strip():
        raise Unreadable(_("Le fichier est vide."))
    if data.startswith(_OLE2):
        raise Unreadable(
            _("Ancien format Excel (.xls) ou classeur protégé par mot de passe : dans Excel, "
              "« Enregistrer sous » au format .xlsx (sans mot de passe) ou CSV UTF-8.")
        )  # fmt: skip
    sheets = _read_xlsx(data) if data.startswith(b"PK") else [_read_csv(name, data)]
    if all(sheet.empty for sheet in sheets):
        raise Unreadable(_("Le fichier ne contient aucune donnée (feuilles vides)."))
    return sheets


def too_large_message(max_bytes: int) -> str:
    """What to say about a file over the size limit."""
    return _(
        "Le fichier dépasse %(size)s Mo : gardez une seule feuille avec les points de service, "
        "sans images, ou découpez-le.",
        size=max_bytes // (1024 * 1024),
    )


# -- CSV -----------------------------------------------------------------------------------


def _read_csv(name: str, data: bytes) -> Sheet:
    text = _decode(data)
    rows = _Rows()
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=_delimiter(text)), 1):
        if not rows.add(_trimmed([_cell_text(v, number, i) for i, v in enumerate(row)])):
            break
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return Sheet(stem[:100], rows.rows)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows Latin-1 (what Excel writes in French)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(_encoding_help(_("le fichier est en UTF-16")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise Unreadable(
                _encoding_help(_("octet 0x%(byte)02X illisible à la position %(position)s",
                                 byte=data[exc.start], position=exc.start + 1))
            ) from exc  # fmt: skip
    bad = _CONTROL.search(text)
    if bad:
        where = text.count("\n", 0, bad.start()) + 1
        raise Unreadable(_encoding_help(_("caractère de contrôle à la ligne %(line)s", line=where)))
    return text


def _encoding_help(detail: str) -> str:
    return _(
        "Ce n'est pas un fichier texte CSV lisible (%(detail)s). Dans Excel : « Enregistrer "
        "sous » › « CSV UTF-8 (délimité par des virgules) », ou envoyez le fichier .xlsx.",
        detail=detail,
    )


def _delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one that splits the first lines into the most rows of one same
    width (cells may hold the other separators, e.g. "PEC médicale, appui psychosocial")."""
    sample = text.splitlines()[:30]

    def consistency(delimiter: str) -> tuple[int, int]:
        widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if len(r) > 1]
        if not widths:
            return 0, 0
        mode = max(set(widths), key=widths.count)
        return widths.count(mode), mode

    return max(";,\t", key=consistency)


# -- XLSX ----------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> list[Sheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_expansion(archive.infolist())
        if "xl/workbook.xml" not in archive.namelist():
            raise Unreadable(_not_xlsx())
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Unreadable:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken or foreign file
        raise Unreadable(_not_xlsx()) from exc
    try:
        return [_read_worksheet(ws) for ws in book.worksheets]
    finally:
        book.close()


def _check_expansion(parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook that would expand beyond the limits, from its zip directory alone
    (before a byte is decompressed; Python's zipfile never reads past a part's stated size)."""
    too_big = sum(part.file_size for part in parts) > MAX_UNCOMPRESSED or any(
        part.file_size > MAX_PART
        or (part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * part.compress_size)
        for part in parts
    )
    if too_big:
        raise Unreadable(
            _("Le classeur décompressé est trop grand ou anormalement compressé : gardez une "
              "seule feuille avec les points de service, ou enregistrez-le en CSV UTF-8.")
        )  # fmt: skip


def _not_xlsx() -> str:
    return _(
        "Ce fichier n'est pas un classeur Excel .xlsx lisible (un .ods ou un fichier abîmé ?). "
        "Enregistrez-le au format .xlsx ou CSV UTF-8."
    )


def _read_worksheet(ws: object) -> Sheet:
    rows = _Rows()
    formulas: list[str] = []
    for number, row in enumerate(ws.iter_rows(), start=1):  # type: ignore[attr-defined]
        texts = []
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.append(f"{get_column_letter(index + 1)}{number}")
                texts.append("")
            else:
                texts.append(_cell_text(getattr(cell, "value", None), number, index))
        if not rows.add(_trimmed(texts)):
            break
    title = str(ws.title)  # type: ignore[attr-defined]
    merged = _merged_ranges(ws)
    _fill_merged_down(rows.rows, merged)
    return Sheet(title, rows.rows, merged, formulas)


def _merged_ranges(ws: object) -> list[str]:
    """Merged ranges of a read-only worksheet, read from its XML (openpyxl's read-only mode
    does not expose them)."""
    ranges: list[str] = []
    with ws._get_source() as source:  # type: ignore[attr-defined]
        # openpyxl's parser (defusedxml when installed; Python's expat refuses entity bombs)
        for _event, element in iterparse(source, events=("end",)):
            if element.tag == f"{_MAIN_NS}mergeCell" and element.get("ref"):
                ranges.append(str(element.get("ref")))
            element.clear()
    return ranges


def _fill_merged_down(rows: list[list[str]], merged: list[str]) -> None:
    """Repeat the value of a range merged down one column into each of its rows."""
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_col != max_col or min_row == max_row or min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if len(top) >= min_col else ""
        for number in range(min_row + 1, min(max_row, len(rows)) + 1):
            row = rows[number - 1]
            row.extend([""] * (min_col - len(row)))
            if not row[min_col - 1]:
                row[min_col - 1] = value


class _Rows:
    """Rows as read, without trailing empty ones; too many filled rows are refused."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.blank = 0
        self.filled = 0

    def add(self, cells: list[str]) -> bool:
        """Keep a row; False once :data:`BLANK_ROWS_END` empty rows came in a row."""
        if not cells:
            self.blank += 1
            return self.blank < BLANK_ROWS_END
        self.rows.extend([] for _ in range(self.blank))
        self.rows.append(cells)
        self.blank = 0
        self.filled += 1
        if self.filled > MAX_ROWS + 20:
            raise Unreadable(_too_many_rows())
        return True


# -- cells -----------------------------------------------------------------------------------


def _cell_text(value: object, row: int, index: int) -> str:
    if index >= MAX_COLUMNS and value not in (None, ""):
        raise Unreadable(_("La feuille a plus de %(n)s colonnes.", n=MAX_COLUMNS))
    text = _plain(value)
    if len(text) > MAX_CELL:
        cell = f"{get_column_letter(index + 1)}{row}"
        raise Unreadable(_("La cellule %(cell)s dépasse %(n)s caractères.", cell=cell, n=MAX_CELL))
    return text


def _plain(value: object) -> str:
    """A cell value as text: numbers without a spurious ``.0``, dates and times in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")[:16]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()[:10] if isinstance(value, dt.date) else value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").replace("\xa0", " ").strip()


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells[:MAX_COLUMNS]


def _too_many_rows() -> str:
    return _("La feuille a plus de %(n)s lignes : découpez-la.", n=MAX_ROWS)


# -- the header row --------------------------------------------------------------------------


def guess_header_row(sheet: Sheet) -> int:
    """The sheet row (1-based) that most likely holds the column titles: the first of the
    first 15 rows filled at least half as wide as the widest of them (titles above a table
    fill one cell)."""
    head = sheet.rows[:15]
    counts = [sum(1 for cell in row if cell) for row in head]
    widest = max(counts, default=0)
    for number, count in enumerate(counts, start=1):
        if count >= max(2, (widest + 1) // 2):
            return number
    return 1


def headers(sheet: Sheet, header_row: int) -> list[str]:
    """Column titles of ``header_row``: empty ones named by their letter, repeats numbered."""
    titles = sheet.rows[header_row - 1] if 0 < header_row <= len(sheet.rows) else []
    width = max(sheet.width, len(titles))
    seen: dict[str, int] = {}
    names = []
    for index in range(width):
        title = titles[index] if index < len(titles) else ""
        title = " ".join(title.split()) or _("Colonne %(letter)s", letter=column_letter(index))
        seen[title] = seen.get(title, 0) + 1
        names.append(title if seen[title] == 1 else f"{title} ({seen[title]})")
    return names


def column_letter(index: int) -> str:
    """``0`` → ``A``."""
    return str(get_column_letter(index + 1))


def check_header(sheet: Sheet, header_row: int) -> None:
    """Raise :class:`Unreadable` if the sheet cannot be imported with this header row."""
    if sheet.empty:
        raise Unreadable(_("La feuille « %(name)s » est vide.", name=sheet.name))
    if sheet.formulas:
        cells = ", ".join(sheet.formulas[:FORMULAS_NAMED])
        more = len(sheet.formulas) - FORMULAS_NAMED
        raise Unreadable(
            _("La feuille « %(name)s » contient des formules (cellules %(cells)s%(more)s) : leur "
              "valeur enregistrée peut être périmée. Copiez la feuille puis « Collage spécial › "
              "Valeurs », et envoyez à nouveau le fichier.",
              name=sheet.name, cells=cells, more=_(" et %(n)s autres", n=more) if more > 0 else "")
        )  # fmt: skip
    if not 0 < header_row <= len(sheet.rows) or not any(sheet.rows[header_row - 1]):
        raise Unreadable(_("La ligne %(row)s n'a pas de titres de colonnes.", row=header_row))
    for ref in sheet.merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row <= header_row <= max_row and (min_col, min_row) != (max_col, max_row):
            raise Unreadable(
                _("Cellules fusionnées dans la ligne des titres (%(range)s) : défusionnez-les et "
                  "donnez à chaque colonne son propre titre sur une seule ligne.", range=ref)
            )  # fmt: skip
    if len(sheet.rows) <= header_row:
        raise Unreadable(_("Aucune ligne de données sous les titres (ligne %(row)s).",
                           row=header_row))  # fmt: skip
    if len(sheet.rows) - header_row > MAX_ROWS:
        raise Unreadable(_too_many_rows())
