"""The referral slip the survivor carries: services chosen, where in words, hours, phones, and
a referral code for each. Never a name, a story or a diagnosis: the slip is built only from the
directory and the referral records, which hold nothing about the survivor.

It is discreet (:mod:`directory.core.discretion`): each service under a neutral title
("Santé", "Écoute"), and a service, organization or place whose name tells what happened is
not named; the referring organization's number to call back and a national hotline's number,
under neutral words too. A caseworker reprints it by code from the referrals list.

The same items make the printable page (``slip.html``, with ``@media print`` rules) and the
PDF (fpdf2, pure Python; its built-in Helvetica, so no font file is needed: text is folded to
Latin-1, which covers French).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from fpdf import FPDF

from directory.core.discretion import discreet
from directory.core.rights import Principal
from directory.core.visibility import present
from directory.pages import wording
from directory.store.base import Document, Store
from directory.web import i18n
from directory.web.i18n import current_language, gettext

FOLD = str.maketrans({
    "–": "-", "—": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...",
    "œ": "oe", "Œ": "OE", "\u202f": " ", "\u2009": " ", "→": "->",
})  # fmt: skip


@dataclass(frozen=True)
class SlipItem:
    """One referral on the slip: what to show the survivor, in words."""

    code: str
    need: str
    title: str
    service: str
    organization: str
    where: list[str]
    hours: list[str]
    phones: list[dict[str, str]]
    front_door_only: bool


NEUTRAL_TITLES = {
    "medical": _l("Santé"),
    "psychosocial": _l("Écoute"),
    "legal": _l("Conseil"),
    "safety": _l("Accompagnement"),
    "shelter": _l("Accueil"),
    "material": _l("Aide"),
    "livelihood": _l("Activités"),
    "education": _l("Éducation"),
    "child_support": _l("Famille"),
    "case_management": _l("Accompagnement"),
    "complaint": _l("Contact"),
}
"""The title of each need on the slip: what a passer-by may read."""


def neutral_title(need: str) -> str:
    """The slip's title for ``need``, in the page's language (the survivor's, chosen by the
    caseworker)."""
    return str(NEUTRAL_TITLES.get(need, _l("Service")))


def items(store: Store, principal: Principal, referrals: list[Document]) -> list[SlipItem]:
    """The slip's items for these referrals, with the locations the caller may see; names that
    would tell what happened are left out."""
    made = []
    for referral in referrals:
        service = store.get("service", referral["service_id"])
        if service is None:
            continue
        shown = present(store, principal, "service", service)
        assert shown is not None
        organization = store.get("organization", service["organization_id"]) or {}
        made.append(
            SlipItem(
                code=referral["code"],
                need=referral["need"],
                title=neutral_title(referral["need"]),
                service=discreet(service["name"]),
                organization=discreet(organization.get("name", "")),
                where=_where(store, principal, shown["location_ids"]),
                hours=i18n.weekly_hours(service["schedule"]),
                phones=wording.phone_links(service["phones"], organization.get("phones", [])),
                front_door_only=len(shown["location_ids"]) < len(service["location_ids"]),
            )
        )
    return made


def _where(store: Store, principal: Principal, location_ids: list[str]) -> list[str]:
    """Each location the caller may see, in words that tell nothing of what happened."""
    where = []
    for location_id in location_ids:
        stored = store.get("location", location_id)
        location = present(store, principal, "location", stored) if stored else None
        if location is not None:
            words = [discreet(location["name"]), *map(discreet, wording.directions(location))]
            where.append(" · ".join(w for w in words if w))
    return where


@dataclass(frozen=True)
class Contact:
    """A number printed at the foot of the slip, under neutral words."""

    label: str
    phones: list[dict[str, str]]


def contacts(store: Store, principal: Principal, hotlines: list[dict[str, Any]]) -> list[Contact]:
    """Whom to call: the referring organization (the caseworker's), then one of the national
    ``hotlines`` (recommendations as the front page shows them); neither named when its name
    tells what happened."""
    found = []
    own = store.get("organization", principal.organization_id or "") or {}
    if own.get("phones"):
        name = discreet(own["name"])
        label = (gettext("Pour toute question, %(name)s :", name=name) if name
                 else gettext("Pour toute question :"))  # fmt: skip
        found.append(Contact(label, wording.phone_links(own["phones"])))
    for hotline in hotlines[:1]:
        phones = wording.phone_links(hotline["service"]["phones"])
        if phones:
            found.append(Contact(gettext("Ligne d'aide gratuite :"), phones[:1]))
    return found


def issued_on(at: datetime) -> str:
    """The slip's date in words (no time: the slip says when, not where from)."""
    return format_date(at, "long", locale=current_language())


def _latin1(text: str) -> str:
    return text.translate(FOLD).encode("latin-1", "replace").decode("latin-1")


def pdf(slip_items: list[SlipItem], issued: str, slip_contacts: list[Contact]) -> bytes:
    """The slip as a one-column A5 PDF."""
    doc = FPDF(format=(148, 210))  # A5 in millimetres
    doc.set_title(_latin1(gettext("Fiche d'orientation")))
    doc.set_creator("Njia")
    doc.set_auto_page_break(True, margin=12)
    doc.add_page()

    def line(text: str, size: float = 10, style: str = "", gap: float = 5.0) -> None:
        doc.set_font("helvetica", style=style, size=size)
        doc.multi_cell(0, gap, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    line(gettext("Fiche d'orientation"), 16, "B", 8)
    line(gettext("Remise le %(date)s.", date=issued), 9)
    line(_notice(), 9)
    for item in slip_items:
        doc.ln(3)
        line(gettext("Code d'orientation : %(code)s", code=_spaced(item.code)), 13, "B", 7)
        line(" - ".join(t for t in (item.title, item.service) if t), 11, "B", 6)
        if item.organization and item.organization != item.service:
            line(item.organization)
        for place in item.where:
            line(gettext("Où : %(place)s", place=place))
        if item.front_door_only:
            line(gettext("Adresse confidentielle : appelez, on vous dira où aller."))
        for hours in item.hours:
            line(gettext("Horaires : %(hours)s", hours=hours))
        for phone in item.phones:
            kind = f" ({phone['kind']})" if phone["kind"] else ""
            line(gettext("Téléphone : %(number)s", number=phone["number"] + kind))
    for contact in slip_contacts:
        doc.ln(3)
        line(contact.label, 10, "B")
        line(" ; ".join(phone["number"] for phone in contact.phones))
    return bytes(doc.output())


def _spaced(code: str) -> str:
    return f"{code[:4]} {code[4:]}"


def _notice() -> str:
    return gettext(
        "Montrez cette fiche au service. Le code lui permet de confirmer votre orientation. "
        "Elle ne porte ni votre nom, ni votre histoire."
    )


def template_helpers() -> dict[str, Any]:
    """Helpers the slip template uses (the code in two halves, the notice)."""
    return {"spaced_code": _spaced, "slip_notice": _notice}
