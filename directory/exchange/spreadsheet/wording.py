"""The preview in words, for the pages and the command line (in the page's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from directory.exchange.spreadsheet import places
from directory.exchange.spreadsheet.planning import Preview
from directory.exchange.spreadsheet.reading import column_letter
from directory.exchange.spreadsheet.rows import Row
from directory.web.i18n import gettext as _
from directory.web.i18n import need_label, weekly_hours

ACTIONS = {
    "create": _l("nouveau"),
    "update": _l("mis à jour"),
    "unchanged": _l("inchangé"),
    "claimed": _l("conservé : l'organisation gère ses fiches"),
    "edited": _l("conservé : modifié dans Njia depuis l'import"),
    "excluded": _l("exclu"),
    "blocked": _l("à corriger"),
}
FLAGS = {
    "ambiguous": _l("ambigu"),
    "confirm": _l("à confirmer"),
    "unknown": _l("introuvable"),
}


def action(result: Preview, row: Row) -> tuple[str, str]:
    """(code, words) of what happens to the row."""
    code = result.row_action(row)
    return code, str(ACTIONS[code])


def place_text(row: Row) -> str:
    if isinstance(row.place, places.Located):
        return row.place.label
    if isinstance(row.place, places.Flagged):
        return f"{row.place.query} ({FLAGS[row.place.reason]})"
    return "—"


def needs_text(row: Row) -> str:
    return ", ".join(need_label(code) for code in row.needs) or "—"


def hours_text(row: Row) -> str:
    if row.schedule is None:
        return "—"
    lines = weekly_hours(row.schedule)
    return "; ".join(lines) or row.schedule["description"] or "—"


def phones_text(row: Row) -> str:
    return ", ".join(p["number"] for p in row.phones) or "—"


def letters(titles: list[str]) -> dict[str, str]:
    """Column title → its letter in the sheet."""
    return {title: column_letter(i) for i, title in enumerate(titles)}


def issue_line(row: Row, column: str, message: str, letter: str | None) -> str:
    where = f"« {column} » ({letter})" if letter else f"« {column} »"
    return _("ligne %(row)s, colonne %(column)s : %(message)s", row=row.number, column=where,
             message=message)  # fmt: skip


def preview_lines(result: Preview, titles: list[str]) -> list[str]:
    """The preview as text: one line per row, then its problems and place candidates."""
    by_title = letters(titles)
    lines = []
    for row in result.rows:
        _code, words = action(result, row)
        parts = [row.organization or "—", row.service or "", place_text(row), needs_text(row),
                 hours_text(row), phones_text(row)]  # fmt: skip
        lines.append(f"{_('Ligne')} {row.number} [{words}] " + " · ".join(p for p in parts if p))
        for issue in row.issues:
            mark = _("ERREUR") if issue.blocking and not row.excluded else _("note")
            text = issue_line(row, issue.column, issue.message, by_title.get(issue.column))
            lines.append(f"    {mark} {text}")
        if isinstance(row.place, places.Flagged) and not row.excluded:
            for place_id, label in row.place.candidates:
                lines.append(f"      --choose {row.number}={place_id}   {label}")
    return lines


def refusal(result: Preview) -> str:
    """Why nothing can be imported yet."""
    if not result.accepted:
        return _("Aucune ligne à importer.")
    rows = ", ".join(str(row.number) for row in result.blocked)
    return _("Lignes à corriger : %(rows)s. Corrigez la feuille et envoyez-la à nouveau, "
             "choisissez les lieux, ou excluez ces lignes.", rows=rows)  # fmt: skip


def plan_line(result: Preview) -> str:
    """What the import does, in one sentence."""
    return _(
        "Fiches : %(created)s nouvelles, %(updated)s mises à jour, %(unchanged)s inchangées, "
        "%(kept)s conservées.",
        created=result.count("create"), updated=result.count("update"),
        unchanged=result.count("unchanged"), kept=result.count("claimed") + result.count("edited"),
    )  # fmt: skip
