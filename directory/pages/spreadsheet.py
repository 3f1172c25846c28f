"""The coordinators' import pages (staff only, French first, no JavaScript needed).

Steps: upload (``imports.index``) → sheet and first rows → columns → need words → preview
(place choices, exclusions, the import itself) → result, with claim invitations. Between
steps the parsed cells live in a draft record (:mod:`directory.exchange.spreadsheet.drafts`); each
step
reads and writes it with compare-and-set, and answers 404 for someone else's draft.

Uploads may be up to ``IMPORT_MAX_BYTES`` (10 MiB) on the upload route only; the rest of the
app keeps its 1 MiB limit. A bigger file gets the upload page again with a clear message (413).
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from pathlib import PurePath
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import force_locale
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from directory.core import users
from directory.core.schemas import NEED_CODES
from directory.exchange.hsds.importer import ImportStopped
from directory.exchange.spreadsheet import drafts, fields, planning, reading, wording
from directory.exchange.spreadsheet.rows import Context, need_tokens
from directory.store import get_store
from directory.store.base import Record, VersionConflict
from directory.web.auth import access, current_principal
from directory.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, lang_url
from directory.web.i18n import gettext as _

blp = Blueprint("imports", __name__, url_prefix="/imports")
FORM_OVERHEAD = 64 * 1024
FIRST_ROWS = 12
Page = str | tuple[str, int] | Response


@blp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: Any) -> None:
    """Raise the body limit for the upload only. URL value preprocessors run before every
    ``before_request`` hook, so before the CSRF check reads the form."""
    if endpoint == "imports.index" and request.method == "POST":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + FORM_OVERHEAD


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """The upload page again, with the limit. The body is never read, so the language comes
    from the URL only (the form's actions carry it) and the form is not touched."""
    language = request.args.get("lang", DEFAULT_LANGUAGE)
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        message = reading.too_large_message(current_app.config["IMPORT_MAX_BYTES"])
        return _upload_page(error=message), 413


def _owner() -> str:
    return current_principal().actor


def _draft(draft_id: uuid.UUID) -> Record:
    record = drafts.get_draft(get_store(), str(draft_id), _owner())
    if record is None:
        abort(404)
    return record


def _upload_page(error: str | None = None, partner: str = "") -> str:
    store = get_store()
    return render_template(
        "import_upload.html", error=error, partner=partner, batches=drafts.recent_batches(store),
        partners=fields.saved_partners(store),
        max_mb=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
    )  # fmt: skip


@blp.route("/", methods=["GET", "POST"])
@access("staff")
def index() -> Page:
    """Step 1: the partner's name and the file; recent imports below."""
    if request.method == "GET":
        return _upload_page()
    partner = " ".join(request.form.get("partner", "").split())[:100]
    upload = request.files.get("file")
    if not partner or upload is None or not upload.filename:
        return _upload_page(_("Indiquez le partenaire et choisissez un fichier."), partner), 422
    limit = current_app.config["IMPORT_MAX_BYTES"]
    try:
        data = upload.read(limit + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    name = PurePath(upload.filename.replace("\\", "/")).name[:120]
    try:
        sheets = reading.read_file(name, data, limit)
    except reading.Unreadable as exc:
        return _upload_page(exc.message, partner), 413 if len(data) > limit else 422
    sha = hashlib.sha256(data).hexdigest()
    draft_id = drafts.create_draft(get_store(), _owner(), partner, name, sha, sheets)
    return redirect(lang_url("imports.sheet", draft_id=draft_id))


@blp.route("/<uuid:draft_id>/sheet", methods=["GET", "POST"])
@access("staff")
def sheet(draft_id: uuid.UUID) -> Page:
    """Step 2: choose the sheet, see its first rows, confirm the row of column titles."""
    record = _draft(draft_id)
    sheets = drafts.sheets_of(record)
    wanted = request.values.get("sheet") or record.doc["sheet"]
    shown = next((s for s in sheets if s.name == wanted), None)
    shown = shown or next((s for s in sheets if not s.empty), sheets[0])
    chosen_before = shown.name == record.doc["sheet"] and record.doc["header_row"]
    header_row = int(record.doc["header_row"]) if chosen_before else reading.guess_header_row(shown)
    error = None
    if request.method == "POST":
        header_row = _int(request.form.get("header_row"), header_row)
        try:
            reading.check_header(shown, header_row)
        except reading.Unreadable as exc:
            error = exc.message
        else:
            changed = (shown.name, header_row) != (record.doc["sheet"], record.doc["header_row"])
            mapping = None if changed else record.doc["mapping"]
            _save(record, sheet=shown.name, header_row=header_row, mapping=mapping)
            return redirect(lang_url("imports.columns", draft_id=draft_id))
    return render_template("import_sheet.html", draft=record, sheets=sheets, shown=shown,
                           header_row=header_row, error=error,
                           first_rows=shown.rows[:FIRST_ROWS], width=min(shown.width, 26),
                           letter=reading.column_letter), 422 if error else 200  # fmt: skip


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def _save(record: Record, **changes: Any) -> Record:
    try:
        return drafts.save_draft(get_store(), record, **changes)
    except VersionConflict:
        abort(409, description=_("Cet import a été modifié dans un autre onglet : rechargez."))


def _chosen(record: Record) -> tuple[reading.Sheet, int, list[str]]:
    """The draft's sheet, header row and titles (or back to step 2 if not chosen yet)."""
    shown = drafts.sheet_of(record)
    if shown is None or record.doc["header_row"] is None:
        abort(redirect(lang_url("imports.sheet", draft_id=record.id)))
    header_row = int(record.doc["header_row"])
    return shown, header_row, reading.headers(shown, header_row)


@blp.route("/<uuid:draft_id>/columns", methods=["GET", "POST"])
@access("staff")
def columns(draft_id: uuid.UUID) -> Page:
    """Step 3: which column fills which Njia field (suggested, or as saved for the partner)."""
    record = _draft(draft_id)
    shown, header_row, titles = _chosen(record)
    saved = fields.load_saved(get_store(), record.doc["partner"])
    current = drafts.mapping_of(record)
    chosen = current.columns if current else fields.suggest_columns(titles, saved)
    error = None
    if request.method == "POST":
        chosen = {f.key: [t for t in request.form.getlist(f"col-{f.key}") if t in titles]
                  for f in fields.FIELDS}  # fmt: skip
        chosen = {k: v if fields.BY_KEY[k].multiple else v[:1] for k, v in chosen.items() if v}
        error = _columns_problem(chosen)
        if error is None:
            mapping = fields.Mapping(chosen, *(current.needs, current.places) if current else ())
            _save(record, mapping=mapping.to_json())
            return redirect(lang_url("imports.needs", draft_id=draft_id))
    examples = {t: _example(shown, header_row, i) for i, t in enumerate(titles)}
    return render_template("import_columns.html", draft=record, fields=fields.FIELDS,
                           titles=titles, chosen=chosen, examples=examples,
                           error=error), 422 if error else 200  # fmt: skip


def _columns_problem(chosen: dict[str, list[str]]) -> str | None:
    used = [t for names in chosen.values() for t in names]
    if len(used) != len(set(used)):
        return _("Une colonne ne peut remplir qu'un seul champ.")
    missing = fields.Mapping(chosen).missing()
    if missing:
        labels = ", ".join(str(fields.BY_KEY[k].label) for k in missing)
        return _("Choisissez une colonne pour : %(fields)s.", fields=labels)
    return None


def _example(shown: reading.Sheet, header_row: int, index: int) -> str:
    for cells in shown.rows[header_row:]:
        if index < len(cells) and cells[index]:
            return cells[index][:60]
    return ""


@blp.route("/<uuid:draft_id>/needs", methods=["GET", "POST"])
@access("staff")
def needs(draft_id: uuid.UUID) -> Page:
    """Step 4: the sheet's own words for services → Njia's needs (saved for the partner)."""
    record = _draft(draft_id)
    shown, header_row, titles = _chosen(record)
    mapping = drafts.mapping_of(record)
    if mapping is None:
        return redirect(lang_url("imports.columns", draft_id=draft_id))
    store = get_store()
    counts = _word_counts(Context(record.doc["partner"], "", titles, mapping), shown, header_row)
    saved = fields.load_saved(store, record.doc["partner"])
    suggested = fields.suggest_needs(list(counts), saved)
    current = {w: mapping.needs.get(w, suggested[w]) for w in counts}
    if request.method == "POST":
        for index, word in enumerate(counts):
            picked = request.form.getlist(f"need-{index}")
            current[word] = [c for c in NEED_CODES if c in picked]
        places = {**(saved.places if saved else {}), **mapping.places}
        mapping = fields.Mapping(mapping.columns, current, places)
        _save(record, mapping=mapping.to_json())
        fields.save(store, record.doc["partner"], mapping, _owner())
        return redirect(lang_url("imports.preview", draft_id=draft_id))
    return render_template("import_needs.html", draft=record, words=counts, current=current,
                           codes=NEED_CODES)  # fmt: skip


def _word_counts(context: Context, shown: reading.Sheet, header_row: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cells in shown.rows[header_row:]:
        for word in need_tokens(context, cells):
            counts[word] = counts.get(word, 0) + 1
    return counts


@blp.route("/<uuid:draft_id>/preview", methods=["GET", "POST"])
@access("staff")
def preview(draft_id: uuid.UUID) -> Page:
    """Step 5: every row and its problems; choose places, exclude rows, then import."""
    record = _draft(draft_id)
    only_fix = request.values.get("only") == "fix"
    if request.method == "POST":
        choices = {**record.doc["choices"], **_form_choices()}
        record = _save(record, choices=choices, excluded=_form_exclusions(record))
        if request.form.get("action") != "import":
            only = {"only": "fix"} if only_fix else {}
            return redirect(lang_url("imports.preview", draft_id=draft_id, **only))
    context, result, titles = _preview(record)
    if request.method == "POST":
        if result.importable:
            return _import(record, context, result)
        error: str | None = wording.refusal(result)
    else:
        error = None
    shown = result.blocked if only_fix else result.rows
    return render_template("import_preview.html", draft=record, result=result, error=error,
                           letters=wording.letters(titles), shown=shown, only_fix=only_fix,
                           left_out=len(result.rows) - len(result.accepted) + len(result.blocked),
                           words=wording), 422 if error else 200  # fmt: skip


@blp.get("/<uuid:draft_id>/left-out.csv")
@access("staff")
def left_out(draft_id: uuid.UUID) -> Response:
    """The rows the import leaves out (excluded, or still to fix) as the sheet had them, with
    why, to send back to the partner (a cell starting with = + - @ is quoted, so a spreadsheet
    never runs it as a formula)."""
    record = _draft(draft_id)
    sheet, _header_row, titles = _chosen(record)
    _context, result, _titles = _preview(record)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*titles, _("Njia : pourquoi la ligne est laissée de côté")])
    for row in result.rows:
        if row.excluded or row.blocked:
            cells = sheet.rows[row.number - 1]
            why = _("exclue") if row.excluded else " ; ".join(
                i.message for i in row.issues if i.blocking)  # fmt: skip
            writer.writerow([_inert(str(c)) for c in [*cells, why]])
    name = f"njia-lignes-laissees-{record.doc['file_name'].rsplit('.', 1)[0]}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _inert(cell: str) -> str:
    """A cell a spreadsheet will show as text, never evaluate."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _form_choices() -> dict[str, str]:
    return {k.removeprefix("place-"): v for k, v in request.form.items()
            if k.startswith("place-") and k[6:].isdigit() and v}  # fmt: skip


def _form_exclusions(record: Record) -> list[int]:
    """Rows excluded after this form: those ticked among the rows it showed, and those
    excluded before among the rows it did not show (the "rows to fix" view shows a few)."""
    shown = {int(v) for v in request.form.getlist("shown") if v.isdigit()}
    ticked = {int(v) for v in request.form.getlist("exclude") if v.isdigit()}
    kept = {n for n in record.doc["excluded"] if n not in shown}
    return sorted(kept | ticked)


def _preview(record: Record) -> tuple[Context, planning.Preview, list[str]]:
    shown, header_row, titles = _chosen(record)
    mapping = drafts.mapping_of(record)
    if mapping is None:
        abort(redirect(lang_url("imports.columns", draft_id=record.id)))
    choices = {int(k): v for k, v in record.doc["choices"].items()}
    context = Context(record.doc["partner"], record.doc["file_name"], titles, mapping, choices,
                      frozenset(record.doc["excluded"]))  # fmt: skip
    return context, planning.preview(get_store(), context, shown, header_row), titles


def _import(record: Record, context: Context, result: planning.Preview) -> Response:
    store = get_store()
    try:
        planning.write(store, result, _owner())
    except ImportStopped:
        abort(503)
    doc, actor = record.doc, planning.ACTOR_PREFIX + _owner()
    batch_id = drafts.record_batch(store, doc["partner"], doc["file_name"], doc["sha256"], actor,
                                   planning.summary(result))  # fmt: skip
    fields.save(store, doc["partner"], planning.remembered(context, result), _owner())
    drafts.delete_draft(store, record.id)
    return redirect(lang_url("imports.done", batch_id=batch_id))


@blp.get("/done/<uuid:batch_id>")
@access("staff")
def done(batch_id: uuid.UUID) -> str:
    """Step 6: what was imported, and invitations for the organizations to claim it."""
    return _done_page(batch_id)


@blp.post("/done/<uuid:batch_id>/invite")
@access("staff")
def invite(batch_id: uuid.UUID) -> Page:
    """Invite a provider account for one imported organization (the link is shown once)."""
    batch = drafts.get_batch(get_store(), str(batch_id))
    org_id = request.form.get("organization_id", "")
    if batch is None or org_id not in {o["id"] for o in batch.doc["organizations"]}:
        abort(404)
    principal = current_principal()
    if not users.may_grant(principal.role, "provider"):
        abort(403)
    try:
        _invite, token = users.create_invite(get_store(), request.form.get("email", ""),
                                             "provider", org_id, principal.actor)  # fmt: skip
    except users.AccountError as exc:
        return _done_page(batch_id, org_id=org_id, error=exc.message), 422
    link = request.host_url.rstrip("/") + f"/invite/{token}"
    return _done_page(batch_id, org_id=org_id, link=link)


def _done_page(batch_id: uuid.UUID, **shown: Any) -> str:
    store = get_store()
    batch = drafts.get_batch(store, str(batch_id))
    if batch is None:
        abort(404)
    claimed = {o["id"]: bool(store.find_records("user", key2=o["id"], limit=1))
               for o in batch.doc["organizations"]}  # fmt: skip
    return render_template("import_result.html", batch=batch, claimed=claimed, **shown)
