"""The core: the directory's documents and rules, without Flask or a database driver.

It takes a caller (:class:`~directory.core.rights.Principal`), a store or a period as an
argument and never reads a request; the web layer, the command line and the benchmarks share it.

- :mod:`~directory.core.taxonomy`, :mod:`~directory.core.schemas`,
  :mod:`~directory.core.contact_info`: needs, capabilities and areas; the listing documents.
- :mod:`~directory.core.rights`: roles, the caller, what a caller may do, API tokens;
  :mod:`~directory.core.users` and :mod:`~directory.core.passwords`: staff accounts.
- :mod:`~directory.core.visibility`: what a caller sees of a listing (confidential tiers).
- :mod:`~directory.core.editing` and :mod:`~directory.core.workflow`: edits, moderation,
  verification, stale listings.
- :mod:`~directory.core.referrals`: referral records (no survivor identity) and their retention.
"""
