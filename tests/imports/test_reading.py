"""Reading files: .xlsx and .csv in the encodings and separators people use, and clear
refusals for everything else (named cells, what to do in Excel)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from directory.exchange.spreadsheet import reading
from seed_data.samples import make_samples
from tests.imports.helpers import SAMPLE_CSV, SAMPLE_XLSX


def xlsx(build) -> bytes:  # type: ignore[no-untyped-def]
    book = Workbook()
    build(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_sample_workbook_reads_as_the_generator_wrote_it():
    sheets = reading.read_file(SAMPLE_XLSX.name, SAMPLE_XLSX.read_bytes())
    assert [s.name for s in sheets] == ["Cartographie", "Notes"]
    sheet = sheets[0]
    assert reading.guess_header_row(sheet) == 4
    assert sorted(sheet.merged) == ["A1:M1", "F15:F16"] and sheet.formulas == []
    expected = [[c for c in row if c] for row in make_samples.csv_rows()]
    assert [[c for c in row if c] for row in sheet.rows] == expected
    assert sheet.rows[15][5] == "Association Lumière (fictive)"  # merged down into row 16
    assert sheet.rows[13][8] == "990000203"  # a phone stored as a number, without ".0"


def test_the_csv_twin_holds_the_same_cells():
    csv_sheet = reading.read_file(SAMPLE_CSV.name, SAMPLE_CSV.read_bytes())[0]
    xlsx_sheet = reading.read_file(SAMPLE_XLSX.name, SAMPLE_XLSX.read_bytes())[0]
    assert csv_sheet.name == "cartographie_services_nord_kivu"
    assert csv_sheet.rows == xlsx_sheet.rows


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_in_utf8_or_latin1_with_any_usual_separator(encoding, delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(make_samples.csv_rows())
    rows = reading.read_file("carto.csv", out.getvalue().encode(encoding))[0].rows
    assert rows == reading.read_file(SAMPLE_CSV.name, SAMPLE_CSV.read_bytes())[0].rows


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("Structure;Lieu\nA;B\n".encode("utf-16"), "UTF-16"),
        (b"Structure;Lieu\nCentre \x81;Goma\n", "0x81"),
        (b"Structure;Lieu\x00\x00\x00\nA;B\n", "contrôle"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        (b"PK\x03\x04 not really a zip", ".xlsx lisible"),
        (b"   \n\n", "vide"),
    ],
    ids=["utf16", "undefined-byte", "binary", "xls", "broken-zip", "blank"],
)
def test_unreadable_files_are_refused_with_what_to_do(data, words):
    with pytest.raises(reading.Unreadable) as caught:
        reading.read_file("carto.csv", data)
    assert words in caught.value.message


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(reading.Unreadable, match="dépasse 10 Mo"):
        reading.read_file("big.csv", b"a;b\n" * (5 * 1024 * 1024))


def test_formulas_are_refused_naming_the_cells():
    def build(ws):  # type: ignore[no-untyped-def]
        ws.append(["Structure", "Lieu", "Nombre"])
        for i in range(12):
            ws.append([f"Org {i}", "Goma", f"=1+{i}"])

    sheet = reading.read_file("f.xlsx", xlsx(build))[0]
    assert sheet.formulas[:2] == ["C2", "C3"]
    with pytest.raises(reading.Unreadable) as caught:
        reading.check_header(sheet, 1)
    assert (
        "formules (cellules C2, C3" in caught.value.message
        and "et 2 autres" in caught.value.message
    )
    assert "Collage spécial" in caught.value.message


def test_merged_header_cells_are_refused_but_a_merged_title_above_is_fine():
    def build(ws):  # type: ignore[no-untyped-def]
        ws.append(["Cartographie fictive"])
        ws.merge_cells("A1:C1")
        ws.append(["Structure", "Contact", None])
        ws.merge_cells("B2:C2")
        ws.append(["Org", "0970 000 101", "Aline"])

    sheet = reading.read_file("m.xlsx", xlsx(build))[0]
    assert reading.guess_header_row(sheet) == 2
    with pytest.raises(reading.Unreadable, match=r"fusionnées dans la ligne des titres \(B2:C2\)"):
        reading.check_header(sheet, 2)


def test_an_empty_sheet_is_refused_by_name():
    def build(ws):  # type: ignore[no-untyped-def]
        ws.title = "Vide"

    with pytest.raises(reading.Unreadable, match="aucune donnée"):
        reading.read_file("e.xlsx", xlsx(build))
    sheet = reading.Sheet("Vide", [])
    with pytest.raises(reading.Unreadable, match="« Vide » est vide"):
        reading.check_header(sheet, 1)


def test_titles_name_empty_and_repeated_columns():
    sheet = reading.Sheet("S", [["Téléphone", "", "Téléphone"], ["1", "2", "3", "4"]])
    assert reading.headers(sheet, 1) == ["Téléphone", "Colonne B", "Téléphone (2)", "Colonne D"]


def _shared_strings_bomb(megabytes: int) -> bytes:
    """A valid .xlsx whose shared strings expand to ``megabytes`` MB (a small upload)."""
    import zipfile

    book = Workbook()
    book.active.append(["Structure", "Localité"])
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item.filename))
        strings = b"<si><t>" + b"A" * (megabytes * 1024 * 1024) + b"</t></si>"
        target.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + strings + b"</sst>",
        )  # fmt: skip
    return bomb.getvalue()


def test_a_workbook_that_expands_too_far_is_refused_before_it_is_parsed():
    import tracemalloc

    data = _shared_strings_bomb(60)
    assert len(data) < 1024 * 1024  # under a megabyte uploaded
    tracemalloc.start()
    try:
        with pytest.raises(reading.Unreadable, match="trop grand ou anormalement compressé"):
            reading.read_file("bomb.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # nothing was decompressed
