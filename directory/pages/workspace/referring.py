"""Referring from the workspace: consent first, then the records and the slip; the closed loop.

- ``POST /workspace/refer``: the services ticked on the results page (hidden ``pick`` fields,
  ``need|service id``; never the survivor's point) and the consent attestation form.
- ``POST /workspace/refer/record``: with the attestation, one referral record per service
  (idempotent: the form carries a random key, so a double submit records nothing twice), then
  the slip page. Without it: 422 and nothing recorded.
- ``POST /workspace/slip.pdf``: the slip as a PDF, from referral codes the caller made;
  ``POST /workspace/slip``: the slip page again, reprinted from the referrals list.
- ``GET /workspace/referrals``: the referrals the caller may see; a provider moves those sent
  to it on (``POST /workspace/referrals/status``).

A form field these pages do not have (a name, notes) is refused with 422.
"""

from __future__ import annotations

import secrets
import uuid

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as WerkzeugResponse

from directory.core import referrals
from directory.core.rights import CASEWORK
from directory.core.taxonomy import get_taxonomy
from directory.pages.search import FormError, national_hotlines
from directory.pages.workspace import slip
from directory.store import get_store
from directory.store.base import Document, NotFound
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext, lang_url

blp = Blueprint("referring", __name__, url_prefix="/workspace")
"""Referring from a search: consent, the records, the slip, and the referrals list."""


REFER_FIELDS = frozenset({"csrf_token", "lang", "pick", "idempotency_key", "consent",
                          "consent_method"})  # fmt: skip
SLIP_FIELDS = frozenset({"csrf_token", "lang", "code"})
STATUS_FIELDS = frozenset({"csrf_token", "lang", "code", "status"})
MAX_PICKS = 12
CONSENT_LABELS = {
    "verbal": _l("Un adulte : la personne elle-même, oralement"),
    "written": _l("Un adulte : la personne elle-même, par écrit"),
    "adolescent": _l("Un·e adolescent·e de 15 à 17 ans, jugé·e capable de décider seul·e"),
    "guardian": _l("Un enfant : son parent ou tuteur, avec l'assentiment de l'enfant"),
    "best_interest": _l("Un enfant sans parent ou tuteur sûr : décision dans son intérêt "
                     "supérieur, avec un superviseur, et l'assentiment de l'enfant"),
}  # fmt: skip
"""Who consented, in the words of GBV case-management guidance (no choice is made for the
caseworker: the form starts with none ticked)."""
STATUS_LABELS = {
    "sent": _l("Envoyée"),
    "received": _l("Reçue"),
    "service_given": _l("Service rendu"),
    "declined": _l("Refusée"),
}


@blp.app_context_processor
def _referring_globals() -> dict[str, object]:
    return {"consent_labels": CONSENT_LABELS, "status_labels": STATUS_LABELS,
            "next_statuses": referrals.NEXT_STATUSES, **slip.template_helpers()}  # fmt: skip


def _refuse_unknown(allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.form) - allowed)
    if unknown:
        raise FormError(unknown[0], gettext("Ce champ n'existe pas : %(name)s.", name=unknown[0]))


def _picks() -> list[tuple[str, Document]]:
    """The ticked (need, service) pairs, checked against the directory."""
    store, found = get_store(), []
    for value in dict.fromkeys(request.form.getlist("pick")):
        need, _, service_id = value.partition("|")
        try:
            service = store.get("service", str(uuid.UUID(service_id)))
        except ValueError:
            service = None
        if need not in get_taxonomy().needs or service is None or need not in service["needs"]:
            raise FormError("pick", gettext("Service inconnu : refaites la recherche."))
        found.append((need, service))
    if not found:
        raise FormError("pick", gettext("Cochez au moins un service à qui orienter."))
    if len(found) > MAX_PICKS:
        raise FormError("pick", gettext("Au plus %(n)s services à la fois.", n=MAX_PICKS))
    return found


@blp.post("/refer")
@access("caseworker")
def refer() -> str | tuple[str, int]:
    """The chosen services and the consent attestation to fill in."""
    try:
        _refuse_unknown(REFER_FIELDS)
        picks = _picks()
    except FormError as error:
        return render_template("workspace_refer.html", picks=[], error=error), 422
    key = request.form.get("idempotency_key") or secrets.token_urlsafe(18)
    return render_template("workspace_refer.html", picks=picks, key=key)


@blp.post("/refer/record")
@access("caseworker")
def record() -> str | tuple[str, int]:
    """Record one referral per chosen service (consent attested), then show the slip."""
    picks: list[tuple[str, Document]] = []
    key = request.form.get("idempotency_key") or secrets.token_urlsafe(18)
    try:
        _refuse_unknown(REFER_FIELDS)
        picks = _picks()
        consented = _consented(picks)
        consent = {"attested": True, "method": request.form.get("consent_method", "")}
        if consent["method"] not in referrals.CONSENT_METHODS:
            raise FormError("consent_method", gettext("Indiquez qui a donné son consentement."))
        made = []
        for need, service in consented:
            doc, _ = referrals.create(get_store(), current_principal(), need, service["id"],
                                      consent, f"{key}|{need}|{service['id']}")  # fmt: skip
            made.append(doc)
    except referrals.ReferralError as exc:
        return _refer_form(picks, key, FormError(exc.field, exc.message)), 422
    except FormError as error:
        return _refer_form(picks, key, error), 422
    return _slip_page(made)


def _refer_form(picks: list[tuple[str, Document]], key: str, error: FormError) -> str:
    """The consent form again, as it was filled in, with what is missing said."""
    return render_template("workspace_refer.html", picks=picks, key=key, error=error,
                           ticked=set(request.form.getlist("consent")),
                           method=request.form.get("consent_method"))  # fmt: skip


def _consented(picks: list[tuple[str, Document]]) -> list[tuple[str, Document]]:
    """The picks the survivor agreed to be referred to (a tick each); at least one."""
    ticked = set(request.form.getlist("consent"))
    consented = [(need, s) for need, s in picks if f"{need}|{s['id']}" in ticked]
    if not consented:
        raise FormError("consent", gettext(
            "Cochez chaque service vers lequel la personne accepte d'être orientée : sans son "
            "consentement éclairé, rien n'est enregistré."))  # fmt: skip
    return consented


def _slip_page(made: list[Document], reprint: bool = False) -> str:
    store, principal = get_store(), current_principal()
    return render_template(
        "slip.html", items=slip.items(store, principal, made), reprint=reprint,
        contacts=slip.contacts(store, principal, national_hotlines(store)),
        issued=slip.issued_on(referrals.now()),
    )  # fmt: skip


@blp.post("/slip")
@access("caseworker")
def slip_again() -> str | tuple[str, int]:
    """The slip of referrals the caller made, again (reprinted from the referrals list)."""
    made = _slip_referrals()
    if isinstance(made, FormError):
        return render_template("workspace_refer.html", picks=[], error=made), 422
    return _slip_page(made, reprint=True)


def _slip_referrals() -> list[Document] | FormError:
    """The caller's own referrals a slip form names, or why not."""
    try:
        _refuse_unknown(SLIP_FIELDS)
        return _own_referrals(request.form.getlist("code"))
    except FormError as error:
        return error


@blp.post("/slip.pdf")
@access("caseworker")
def slip_pdf() -> Response | tuple[str, int]:
    """The slip of referrals the caller made, as a PDF download."""
    made = _slip_referrals()
    if isinstance(made, FormError):
        return render_template("workspace_refer.html", picks=[], error=made), 422
    store, principal = get_store(), current_principal()
    body = slip.pdf(slip.items(store, principal, made), slip.issued_on(referrals.now()),
                    slip.contacts(store, principal, national_hotlines(store)))  # fmt: skip
    name = "orientation.pdf" if len(made) != 1 else f"orientation-{made[0]['code']}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _own_referrals(codes: list[str]) -> list[Document]:
    found = []
    principal = current_principal()
    for code in dict.fromkeys(codes[:MAX_PICKS]):
        doc = referrals.by_code(get_store(), principal, code)
        if doc is None or not (
            principal.is_staff or doc["referred_by"] == referrals.referrer(principal)
        ):
            raise FormError("code", gettext("Orientation inconnue."))
        found.append(doc)
    if not found:
        raise FormError("code", gettext("Orientation inconnue."))
    return found


@blp.get("/referrals")
@access("signed_in")
def referral_list() -> str:
    """Referrals the caller may see: to its organization (providers), its own (caseworkers),
    all (staff). Closed ones past the retention period are purged first. Those still without
    an answer after the chosen number of days (``waiting``, 2 by default) are listed first,
    to follow up."""
    store, principal = get_store(), current_principal()
    docs = referrals.listed(store, principal, float(current_app.config["REFERRAL_RETENTION_DAYS"]))
    names = {}
    for doc in docs:
        if doc["service_id"] not in names:
            service = store.get("service", doc["service_id"])
            names[doc["service_id"]] = service["name"] if service else "—"
    days = request.args.get("waiting", type=int)
    days = days if days in referrals.WAITING_CHOICES else referrals.WAITING_DEFAULT
    late = referrals.waiting(docs, days, referrals.now())
    return render_template("workspace_referrals.html", referrals=docs, names=names,
                           may_update=principal.role == "provider",
                           may_reprint=principal.role in CASEWORK, late=late,
                           late_codes={d["code"] for d in late}, waiting_days=days,
                           waiting_choices=referrals.WAITING_CHOICES)  # fmt: skip


@blp.post("/referrals/status")
@access("signed_in")
def referral_status() -> WerkzeugResponse | tuple[str, int]:
    """The receiving provider moves a referral on (others: 404, as for an unknown code)."""
    try:
        _refuse_unknown(STATUS_FIELDS)
        referrals.set_status(get_store(), current_principal(), request.form.get("code", ""),
                             request.form.get("status", ""))  # fmt: skip
    except NotFound:
        abort(404)
    except (referrals.ReferralError, FormError) as exc:
        return render_template("workspace_referrals.html", referrals=[], names={}, late=[],
                               late_codes=set(), may_update=False, may_reprint=False,
                               waiting_days=referrals.WAITING_DEFAULT, error=exc,
                               waiting_choices=referrals.WAITING_CHOICES), 422  # fmt: skip
    return redirect(lang_url("referring.referral_list"), code=303)
