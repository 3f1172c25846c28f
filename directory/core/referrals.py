"""Referrals: a caseworker refers a survivor to a service, with consent, without the survivor.

A referral record holds only what the closed loop needs: a random code (the survivor carries it
on the slip), the need, the service and its organization (the receiving provider), who referred
(the caseworker's account and organization), when, the status with its history, and the consent
attestation (that the survivor gave informed consent, and how). No name, no contact, no story,
no diagnosis, no place: the API and the pages refuse any other field.

- Recording a referral needs the attestation (``consent.attested`` true and a ``method``).
- Creating is idempotent: with an idempotency key the record id is ``uuid5(actor, key)``, so a
  retry (or ten concurrent ones) finds the record already there and answers with it.
- Statuses: ``sent`` → ``received`` → ``service_given`` or ``declined`` (``sent`` may also go
  straight to a closed status). Only the receiving provider changes them, by code.
- Closed referrals are deleted ``REFERRAL_RETENTION_DAYS`` (default 90) after they closed: by
  ``flask --app wsgi purge-referrals`` and whenever referrals are listed.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from directory.core.rights import Principal
from directory.store.base import Conflict, Document, NotFound, Record, Store, VersionConflict

COLLECTION = "referral"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Digits and capitals without 0/O and 1/I: easy to read aloud and to type from paper."""
CODE_LENGTH = 8
"""32**8 ≈ 10**12 codes: guessing one is hopeless, and codes never repeat in practice."""
STATUSES = ("sent", "received", "service_given", "declined")
CLOSED = frozenset({"service_given", "declined"})
NEXT_STATUSES = {
    "sent": frozenset({"received", "service_given", "declined"}),
    "received": frozenset({"service_given", "declined"}),
    "service_given": frozenset(),
    "declined": frozenset(),
}
CONSENT_METHODS = ("verbal", "written", "guardian", "best_interest", "adolescent")
"""Who consented, and how, as GBV case-management guidance for child survivors describes:
``verbal`` or ``written``: the adult survivor; ``guardian``: a parent or caregiver, with the
child's assent; ``best_interest``: no safe caregiver, so the caseworker decided in the child's
best interest with a supervisor, with the child's assent; ``adolescent``: a 15-17-year-old
judged mature enough to consent. Nothing about who the person is."""
IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0d8e0a-3f7c-4c1e-9a51-6a1f0c7d2e44")
MAX_KEY_LENGTH = 200
SCAN_LIMIT = 100_000
"""Most referrals read at once (listing by caseworker, purge): far above a year of referrals."""
CAS_ATTEMPTS = 5


class ReferralError(ValueError):
    """A referral that cannot be recorded or changed; ``field`` names the culprit (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def now() -> datetime:
    """The current instant (tests replace it to test retention)."""
    return datetime.now(UTC)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def new_code() -> str:
    """A random referral code such as ``K7M2XQ9D``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """A typed code in canonical form (capitals, no spaces or dashes), or None if not a code."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def record_id(actor: str, key: str) -> str:
    """The record id of a referral created by ``actor`` with idempotency key ``key``."""
    return str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{actor}\n{key}"))


def check_key(key: str) -> str:
    """An idempotency key as given, if usable; raises :class:`ReferralError` otherwise."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise ReferralError(
            "Idempotency-Key", f"Use 1 to {MAX_KEY_LENGTH} printable ASCII characters."
        )
    return key


def referrer(principal: Principal) -> str:
    """Who refers: the account (``user:<id>``, the same by session or by its tokens), or the
    service token (``token:<id>``)."""
    return f"user:{principal.user_id}" if principal.user_id else principal.actor


def _record(doc: Document) -> Record:
    return Record(COLLECTION, doc["id"], doc, key1=doc["organization_id"], key2=doc["code"],
                  sort=doc["created_at"])  # fmt: skip


def create(
    store: Store,
    principal: Principal,
    need: str,
    service_id: str,
    consent: dict[str, Any],
    key: str | None = None,
) -> tuple[Document, bool]:
    """Record a referral; returns it and whether it was created now (False: a retry).

    Raises :class:`ReferralError` without the consent attestation, for an unknown or inactive
    service, a need the service does not meet, or a key already used for another referral.
    """
    if consent.get("attested") is not True:
        raise ReferralError("consent.attested", "Attest the survivor's informed consent.")
    if consent.get("method") not in CONSENT_METHODS:
        raise ReferralError("consent.method", f"Must be one of: {', '.join(CONSENT_METHODS)}.")
    service = store.get("service", service_id)
    if service is None or service["status"] != "active":
        raise ReferralError("service_id", "No such active service.")
    if need not in service["needs"]:
        raise ReferralError("need", "This service does not meet this need.")
    rid = record_id(referrer(principal), check_key(key)) if key is not None else str(uuid.uuid4())
    if key is not None:
        existing = store.get_record(COLLECTION, rid)
        if existing is not None:
            return _replayed(existing.doc, need, service_id), False
    at, by = _stamp(now()), referrer(principal)
    doc = {
        "id": rid, "code": new_code(), "need": need, "service_id": service_id,
        "organization_id": service["organization_id"], "referred_by": by,
        "referring_organization_id": principal.organization_id, "created_at": at,
        "status": "sent", "status_history": [{"status": "sent", "at": at, "by": by}],
        "consent": {"attested": True, "method": consent["method"]},
    }  # fmt: skip
    try:
        store.put_record(_record(doc), None)
    except Conflict:
        existing = store.get_record(COLLECTION, rid)
        if existing is None:
            raise
        return _replayed(existing.doc, need, service_id), False
    return doc, True


def _replayed(doc: Document, need: str, service_id: str) -> Document:
    if (doc["need"], doc["service_id"]) != (need, service_id):
        raise ReferralError("Idempotency-Key", "This key was used for another referral.")
    return doc


def visible_to(principal: Principal, doc: Document) -> bool:
    """Staff see every referral, a provider those to its organization, a caseworker its own."""
    if principal.is_staff:
        return True
    if principal.role == "provider":
        return bool(doc["organization_id"] == principal.organization_id)
    return principal.role == "caseworker" and bool(doc["referred_by"] == referrer(principal))


def listed(
    store: Store, principal: Principal, retention_days: float, status: str | None = None
) -> list[Document]:
    """The referrals the caller may see, newest first, after purging those closed more than
    ``retention_days`` ago (``NJIA_REFERRAL_RETENTION_DAYS``)."""
    purge(store, retention_days)
    if principal.role == "provider" and principal.organization_id:
        records = store.find_records(COLLECTION, key1=principal.organization_id, limit=SCAN_LIMIT)
    else:
        records = store.find_records(COLLECTION, limit=SCAN_LIMIT)
    docs = [r.doc for r in records if visible_to(principal, r.doc)]
    docs = [d for d in docs if status is None or d["status"] == status]
    return sorted(docs, key=lambda d: (d["created_at"], d["id"]), reverse=True)


WAITING_CHOICES = (1, 2, 3, 7, 14)
"""Days a caseworker may choose: referrals still unanswered after that long are followed up."""
WAITING_DEFAULT = 2
"""Two days: long enough for a provider to open its list, short enough to try elsewhere
while the 72-hour PEP and 120-hour emergency-contraception windows are still open."""


def waiting(docs: list[Document], days: float, at: datetime) -> list[Document]:
    """Referrals still ``sent`` (no answer from the provider) ``days`` or more after they were
    made, oldest first."""
    limit = at - timedelta(days=days)
    late = [d for d in docs if d["status"] == "sent"
            and datetime.fromisoformat(d["created_at"]) <= limit]  # fmt: skip
    return sorted(late, key=lambda d: (d["created_at"], d["id"]))


def by_code(store: Store, principal: Principal, code: str) -> Document | None:
    """The referral with this code that the caller may see, or None."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    found = store.find_records(COLLECTION, key2=canonical, limit=10)
    return next((r.doc for r in found if visible_to(principal, r.doc)), None)


def set_status(store: Store, principal: Principal, code: str, status: str) -> Document:
    """The receiving provider moves a referral on (compare-and-set, retried on a race).

    Raises :class:`NotFound` unless the caller is the receiving provider, and
    :class:`ReferralError` for a transition that is not allowed. Setting the current status
    again changes nothing.
    """
    canonical = normalise_code(code)
    if principal.role != "provider" or not principal.organization_id or canonical is None:
        raise NotFound(code)
    if status not in STATUSES:
        raise ReferralError("status", f"Must be one of: {', '.join(STATUSES)}.")
    for _ in range(CAS_ATTEMPTS):
        found = store.find_records(COLLECTION, key1=principal.organization_id, key2=canonical)
        if not found:
            raise NotFound(code)
        record = found[0]
        current = record.doc["status"]
        if status == current:
            return record.doc
        if status not in NEXT_STATUSES[current]:
            raise ReferralError("status", f"A referral cannot go from {current} to {status}.")
        entry = {"status": status, "at": _stamp(now()), "by": principal.actor}
        doc = {**record.doc, "status": status,
               "status_history": [*record.doc["status_history"], entry]}  # fmt: skip
        try:
            store.put_record(_record(doc), record.version)
        except VersionConflict:
            continue
        return doc
    raise ReferralError("status", "The referral is being changed by someone else; try again.")


def closed_at(doc: Document) -> datetime | None:
    """When a referral was closed (its last status change), or None if it is still open."""
    if doc["status"] not in CLOSED:
        return None
    return datetime.fromisoformat(doc["status_history"][-1]["at"])


def purge(store: Store, days: float) -> int:
    """Delete referrals closed more than ``days`` days ago; returns how many."""
    limit = now() - timedelta(days=days)
    deleted = 0
    for record in store.find_records(COLLECTION, limit=SCAN_LIMIT):
        closed = closed_at(record.doc)
        if closed is not None and closed < limit:
            deleted += store.delete_record(COLLECTION, record.id)
    return deleted
