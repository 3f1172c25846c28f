"""Spreadsheet import: partners' service mapping ("who does what where") into Njia.

Upload an ``.xlsx`` or ``.csv`` file, choose the sheet, map its columns and need words to Njia's
fields (suggested from common French and English headers, saved per partner), preview every row
(where it was located, parsed hours and phones, each problem by row and column), then import,
all or nothing over the accepted rows; invite the organizations to claim their listings.

- :mod:`~directory.imports.reading`: files → sheets of text cells, with clear refusals.
- :mod:`~directory.imports.fields` and :mod:`~directory.imports.vocabulary`: the mapping.
- :mod:`~directory.imports.places`, :mod:`~directory.imports.hours`, :mod:`~directory.imports.rows`:
  one row → listings; :mod:`~directory.imports.planning`: the preview, the plan, the writes.
- :mod:`~directory.imports.drafts`: what the pages keep between steps; the record of imports.
- :mod:`~directory.imports.pages` (the ``imports`` blueprint, staff only) and
  :mod:`~directory.imports.cli` (``flask --app wsgi import-sheet``).

``docs/spreadsheet-import.md`` describes it for coordinators and maintainers.
"""

from __future__ import annotations
