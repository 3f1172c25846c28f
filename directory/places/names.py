"""How place names are compared: normalised text, spelling keys for the variants common in DRC
place names, and the index that finds a name exactly, by a variant, by a prefix or with a typo,
each with its match quality."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

#: Match quality, best first. A place's quality is the best of all its names' matches.
EXACT, ALTERNATE, VARIANT, PREFIX, WORD_PREFIX, FUZZY = 100, 96, 92, 85, 80, 70
#: How a name matched, by quality: the levels of :class:`~directory.places.model.Match`.
LEVELS = {EXACT: "exact", ALTERNATE: "alias", VARIANT: "variant", PREFIX: "prefix"}
LEVELS |= {WORD_PREFIX: "word"}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


_VARIANTS = [("tsh", "sh"), ("tch", "sh"), ("ch", "sh"), ("ou", "u"), ("w", "u"), ("dj", "j")]
_VARIANTS += [("y", "i"), (" ", "")]


_DOUBLED = re.compile(r"(.)\1+")


def normalise(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics a single space."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("æ", "ae"))
        text = text.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text).strip()


def spelling_key(normalised: str) -> str:
    """Fold spelling variants common in DRC place names: tsh/tch/ch, ou/u/w, dj/j, y/i, doubles.

    "kitchanga", "kitshanga" and "kichanga" share a key, as do "bukavou" and "bukavu".
    """
    for old, new in _VARIANTS:
        normalised = normalised.replace(old, new)
    return _DOUBLED.sub(r"\1", normalised)


class NameIndex:
    """Names and alternate names of every place, indexed for exact, prefix and fuzzy lookups."""

    def __init__(self, names: Iterable[tuple[int, str, bool]]) -> None:
        """``names`` yields (place index, name, is_primary)."""
        self.exact: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        self.variants: dict[str, list[int]] = defaultdict(list)
        words: set[tuple[str, str]] = set()
        for i, name, primary in names:
            key = normalise(name)
            if key and (i, primary) not in self.exact[key]:
                self.exact[key].append((i, primary))
                self.variants[spelling_key(key)].append(i)
                words.update((w, key) for w in key.split()[1:])
        self.keys = sorted(self.exact)
        self.words = sorted(words)
        self.by_length = (_by_length(self.keys), _by_length(self.variants))

    def matches(self, q: str) -> Iterator[tuple[int, int]]:
        """Yield (quality, place index) tier by tier, best tier first; a normalised ``q``."""
        for i, primary in self.exact.get(q, ()):
            yield (EXACT if primary else ALTERNATE), i
        yield from ((VARIANT, i) for i in self.variants.get(spelling_key(q), ()))
        for key in self._prefixed(self.keys, q):
            yield from ((PREFIX, i) for i, _ in self.exact[key])
        if len(q) >= 3:
            for _, key in self._prefixed(self.words, (q,)):
                yield from ((WORD_PREFIX, i) for i, _ in self.exact[key])
        yield from self._fuzzy(q)

    @staticmethod
    def _prefixed(items: list[Any], start: str | tuple[Any, ...]) -> Iterator[Any]:
        prefix = start if isinstance(start, str) else start[0]
        for pos in range(bisect_left(items, start), len(items)):
            item = items[pos]
            if not (item if isinstance(item, str) else item[0]).startswith(prefix):
                return
            yield item

    def _fuzzy(self, q: str) -> Iterator[tuple[int, int]]:
        """Names a few edits from the query as typed, or from its spelling key (see _close_keys)."""
        raw, folded = self.by_length
        edits: dict[int, int] = {}
        for text, by_length, places_of in (
            (q, raw, lambda key: [i for i, _ in self.exact[key]]),
            (spelling_key(q), folded, self.variants.__getitem__),
        ):
            for key, distance in _close_keys(text, by_length):
                for i in places_of(key):
                    edits[i] = min(distance, edits.get(i, distance))
        for i, distance in sorted(edits.items(), key=lambda item: item[1]):
            yield FUZZY - 5 * distance, i


def _close_keys(text: str, by_length: dict[int, list[str]]) -> Iterator[tuple[str, int]]:
    """Keys within 1 edit of ``text`` (2 for 6+ letters, 3 for 10+), with their distance.

    An edit inserts, deletes or substitutes a letter or swaps two adjacent letters; only keys
    whose length is within that many letters of the text's are compared.
    """
    size = len(text.replace(" ", ""))
    if size < 4:
        return
    cutoff = 1 if size < 6 else 2 if size < 10 else 3
    for length in range(len(text) - cutoff, len(text) + cutoff + 1):
        choices = by_length.get(length, ())
        found = process.extract(text, choices, scorer=OSA.distance, score_cutoff=cutoff, limit=None)
        yield from ((key, distance) for key, distance, _ in found)


def _by_length(keys: Iterable[str]) -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = defaultdict(list)
    for key in keys:
        by_length[len(key)].append(key)
    return by_length
