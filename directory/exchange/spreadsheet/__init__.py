"""Spreadsheet import: partners' service mapping ("who does what where") into Njia.

Upload an ``.xlsx`` or ``.csv`` file, choose the sheet, map its columns and need words to Njia's
fields (suggested from common French and English headers, saved per partner), preview every row
(where it was located, parsed hours and phones, each problem by row and column), then import,
all or nothing over the accepted rows; invite the organizations to claim their listings.

- :mod:`~directory.exchange.spreadsheet.reading`: files → sheets of text cells, with clear refusals.
- :mod:`~directory.exchange.spreadsheet.fields` and
  :mod:`~directory.exchange.spreadsheet.vocabulary`: the mapping.
- :mod:`~directory.exchange.spreadsheet.places`, :mod:`~directory.exchange.spreadsheet.hours`,
  :mod:`~directory.exchange.spreadsheet.rows`:
  one row → listings; :mod:`~directory.exchange.spreadsheet.planning`: the preview, the plan, the
  writes.
- :mod:`~directory.exchange.spreadsheet.drafts`: what the pages keep between steps; the record of
  imports.
- :mod:`~directory.pages.spreadsheet` (the ``imports`` blueprint, staff only) and
  :mod:`~directory.cli.spreadsheet` (``flask --app wsgi import-sheet``).

``docs/spreadsheet-import.md`` describes it for coordinators and maintainers.
"""

from __future__ import annotations
