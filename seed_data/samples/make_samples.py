"""Write the fictional sample service mapping: ``cartographie_services_nord_kivu.xlsx`` and its
``.csv`` twin (UTF-8, ``;``). Run from the repository root:

    .venv/bin/python seed_data/samples/make_samples.py

Every organization, person and phone number here is invented (names end in "fictif" or
"fictive"); the places are real towns and villages of Nord-Kivu. The sheet is messy on
purpose, like real ones: a merged title above the table, French headers, hours and phones
written by hand, place names instead of coordinates (one misspelt, one missing from the
gazetteer, one shared by two villages), a placeholder ("n/a"), a phone stored as a number and
an organization cell merged over two rows. ``tests/imports/`` imports it end to end.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
XLSX = HERE / "cartographie_services_nord_kivu.xlsx"
CSV = HERE / "cartographie_services_nord_kivu.csv"
TITLE = "Cartographie des services VBG – Nord-Kivu – DONNÉES FICTIVES (exemple pour Njia)"
SUBTITLE = "Sous-cluster VBG (exemple) · mise à jour : mars 2026 · aucune donnée réelle"
HEADER = [
    "N°", "Province", "Territoire", "Zone de santé", "Localité", "Structure",
    "Type de service", "Horaires", "Téléphone", "Langues parlées", "Public cible",
    "Point focal (nom et téléphone)", "Observations",
]  # fmt: skip
# fmt: off
ROWS: list[list[object]] = [
    [1, "Nord-Kivu", "Goma", "Goma", "Goma", "Hôpital Amani (fictif)",
     "PEC médicale, appui psychosocial", "24h/24", "0970 000 101", "Français, Swahili",
     "Femmes, filles, hommes et garçons survivants", "Dr Neema K. 0970 000 102", ""],
    [2, "Nord-Kivu", "Goma", "Karisimbi", "Goma", "Association Tumaini (fictive)",
     "Assistance juridique; Réinsertion socio-économique", "Lun-Ven 8h-16h", "+243 81 234 5678",
     "Français, Swahili, Lingala", "Survivantes de VBG", "Me Jean B. +243 81 234 5679", ""],
    [3, "Nord-Kivu", "Masisi", "Kirotshe", "Sake", "Centre de santé Umoja (fictif)",
     "PEC médicale", "du lundi au samedi de 7h30 à 15h", "0990 000 201 / 0990 000 202",
     "Swahili, Kinyarwanda", "Tout public", "", ""],
    [4, "Nord-Kivu", "Masisi", "Mweso", "Kitshanga", "Hôpital Amani (fictif)",
     "PEC holistique", "Lun-Ven 8h-12h et 14h-16h; Sam 8h-12h", "0970 000 103", "Swahili",
     "", "", ""],
    [5, "Nord-Kivu", "Rutshuru", "Rutshuru", "Rutshru", "Maison d'écoute Upendo (fictive)",
     "Appui psychosocial, référencement", "Lundi au vendredi 8h-15h30", "0812 000 301",
     "Swahili, Kinyarwanda, Français", "Femmes et filles", "Mme Aline K. (0812 000 302)",
     "Nom de lieu mal orthographié"],
    [6, "Nord-Kivu", "Rutshuru", "Rutshuru", "Kiwanja", "Association Tumaini (fictive)",
     "Assistance juridique", "Mardi et jeudi 9h-12h", "n/a", "Français", "", "", ""],
    [7, "Nord-Kivu", "Nyiragongo", "Nyiragongo", "Kanyaruchinya",
     "Clinique mobile Faraja (fictive)", "PEC médicale, kits de dignité", "Sur rendez-vous",
     "0970 000 401", "Swahili", "", "", "Site de déplacés"],
    [8, "Nord-Kivu", "Masisi", "Masisi", "Katale", "Centre Salama (fictif)",
     "Appui psychosocial; gestion de cas", "7j/7 8h-18h", "0990 000 501", "Swahili, Kihunde",
     "", "", "Deux villages de ce nom dans la province"],
    [9, "Nord-Kivu", "Goma", "Goma", "Goma", "Maison Tulizo (fictive)", "Hébergement temporaire",
     "24h/24 7j/7", "0970 000 601", "Français, Swahili", "Femmes et enfants", "", ""],
    [10, "Nord-Kivu", "Rutshuru", "Rutshuru", "Rutshuru", "Centre de santé Umoja (fictif)",
     "PEC médicale, PEP", "Lun-Sam 8h-17h", 990000203, "Swahili", "", "", ""],
    [11, "Nord-Kivu", "Goma", "Goma", "Goma", "Association Lumière (fictive)", "Gestion de cas",
     "Lun-Ven 8h-16h", "0812 000 701", "Français, Swahili", "", "", ""],
    [12, "Nord-Kivu", "Masisi", "Kirotshe", "Sake", None, "Assistance juridique",
     "Lun, Mer, Ven 9h-13h", "0812 000 702", "Swahili", "", "", ""],
]
# fmt: on
MERGED_ORGANIZATION = (15, 16)
"""Sheet rows of the last two data rows, whose "Structure" cell is merged (the same partner)."""


def write_xlsx(path: Path = XLSX) -> None:
    """The sample workbook: a merged title, the table, a merged organization cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Cartographie"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([SUBTITLE])
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    first, last = MERGED_ORGANIZATION
    sheet.merge_cells(f"F{first}:F{last}")
    notes = book.create_sheet("Notes")
    notes.append(["Exemple fictif : aucun nom, numéro ni personne n'est réel."])
    book.properties.creator = "Njia (exemple fictif)"
    book.save(path)


def csv_rows() -> list[list[str]]:
    """The same cells as text, the merged organization written out in each row."""
    filled = [list(r) for r in ROWS]
    first, last = MERGED_ORGANIZATION
    for number in range(first + 1, last + 1):
        filled[number - 5][5] = filled[first - 5][5]
    return [[TITLE], [SUBTITLE], [], HEADER,
            *[["" if v is None else str(v) for v in r] for r in filled]]  # fmt: skip


def write_csv(path: Path = CSV) -> None:
    """The CSV twin: UTF-8 without BOM, ``;`` as French Excel writes it."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(csv_rows())


if __name__ == "__main__":
    write_xlsx()
    write_csv()
    sys.stdout.write(f"wrote {XLSX.name} and {CSV.name}\n")
