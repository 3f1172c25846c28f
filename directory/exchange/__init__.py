"""Data in and out of the directory: the web and command-line front ends live in
:mod:`directory.api`, :mod:`directory.pages` and :mod:`directory.cli`.

- :mod:`~directory.exchange.hsds`: Open Referral HSDS 3.0 (mapping, import, export, profile).
- :mod:`~directory.exchange.spreadsheet`: partners' service mapping sheets.
- :mod:`~directory.exchange.transfer`: Njia's own export and import (JSON lines).
- :mod:`~directory.exchange.seed_facilities`: open-data health facilities (healthsites, ODbL).
- :mod:`~directory.exchange.backup`: consistent backups of either store.

It uses the core, the places and the store, and :mod:`directory.web.i18n` for words in the
reader's language; never a page, an API module or the error module.
"""
