"""Alternations of patterns narrowed, per text, to the alternatives that can match it at all.

A family of lure patterns is one big alternation; the regular-expression engine tries every alternative
at every position of the text. Most alternatives need some literal text ("account", "本人確認") that
most texts lack: an alternative whose needed literals are all absent cannot match anywhere, so
dropping it changes no match (at every position the first alternative that matches is the same).
The needed literals are derived from the parsed patterns themselves, never written by hand.
"""

from __future__ import annotations

import functools
import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Callable, Iterator

__all__ = ["Sieve", "alternation"]

_MAX_SET = 64  # a sub-pattern matching more distinct strings than this is not spelled out
_MAX_SUBSETS = 512  # narrowed alternations kept compiled per sieve
_SHORT_TEXT = 4_000  # characters: a shorter text is sieved by the written-out conditions (Sieve._short_kept)
Clause = tuple[str, ...]  # a match holds at least one of these strings


class _Known:
    """What the matches of a sub-pattern hold: ``exact``, when not None, the strings it can match (few);
    ``clauses``, what each of its matches holds."""

    __slots__ = ("clauses", "exact")

    def __init__(self, exact: frozenset[str] | None, clauses: list[Clause] | None = None) -> None:
        self.exact = exact if exact is None or len(exact) <= _MAX_SET else None
        self.clauses = clauses or []

    def all_clauses(self) -> list[Clause]:
        return self.clauses + (_clause(self.exact) if self.exact is not None else [])


_ANYTHING = _Known(None)
_EMPTY = _Known(frozenset(("",)))


def _best(clauses: list[Clause]) -> Clause | None:
    """The clause that rules out most: its shortest string is longest."""
    return max(clauses, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _concat(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _MAX_SET:
        return None
    return frozenset(a + b for a in left for b in right)


def _clause(strings: frozenset[str]) -> list[Clause]:
    """A set of strings one of which a match holds: a clause, unless one of them is empty (then it says
    nothing). A string that holds another of the set is left out: where it is, the other is too."""
    if not strings or "" in strings:
        return []
    return [tuple(sorted(s for s in strings if not any(t != s and t in s for t in strings)))]


def _node(op, av, flags: int) -> _Known:
    if op is sre.LITERAL:
        return _Known(frozenset((chr(av),)))
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # consume nothing: the text on both sides is adjacent
        return _EMPTY
    if op is sre.IN:
        if all(item_op is sre.LITERAL for item_op, _ in av):
            return _Known(frozenset(chr(code) for _, code in av))
        return _ANYTHING
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        flags = (flags | add_flags) & ~del_flags
        if flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE):
            return _ANYTHING
        return _sequence(sub.data, flags)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av.data, flags)
    if op is sre.BRANCH:
        parts = [_sequence(alt.data, flags) for alt in av[1]]
        exact = None
        if all(p.exact is not None for p in parts):
            exact = frozenset().union(*(p.exact for p in parts))
        choices = [_best(p.all_clauses()) for p in parts]
        if any(c is None for c in choices):
            return _Known(exact)
        return _Known(exact, _clause(frozenset().union(*choices)))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        inner = _sequence(sub.data, flags)
        exact = None
        if inner.exact is not None and high <= 3:
            exact = frozenset(("",)) if low == 0 else frozenset()
            power: frozenset[str] | None = frozenset(("",))
            for count in range(1, high + 1):
                power = _concat(power, inner.exact)
                if power is None:
                    exact = None
                    break
                if count >= low:
                    exact = exact | power
        return _Known(exact, inner.all_clauses() if low >= 1 else [])
    return _ANYTHING  # ANY, categories, ranges, group references, conditionals: anything


def _sequence(items, flags: int) -> _Known:
    """What a sequence of items matches. Besides the strings the items spell together, each literal run
    and each item's own clauses are clauses of the whole (cheap to test)."""
    clauses: list[Clause] = []
    run: frozenset[str] | None = frozenset(("",))  # strings the items since the last unknown one spell
    piece = ""  # the literal text since the last item with several spellings
    exact = True
    for op, av in items:
        part = _node(op, av, flags)
        if part.exact is not None and len(part.exact) == 1:
            piece += next(iter(part.exact))
        else:
            clauses += _clause(frozenset((piece,)))
            piece = ""
            clauses += part.all_clauses()
        if part.exact is not None:
            joined = _concat(run, part.exact) if run is not None else None
            if joined is None:  # too many spellings: what was spelled is a clause; start again
                exact = False
                if run is not None:
                    clauses += _clause(run)
                joined = part.exact
            run = joined
            continue
        exact = False
        if run is not None:
            clauses += _clause(run)
        run = frozenset(("",))
    clauses += _clause(frozenset((piece,)))
    if exact and run is not None:
        return _Known(run, clauses)
    if run is not None:
        clauses += _clause(run)
    return _Known(None, clauses)


def needed(pattern: str, flags: int = 0) -> tuple[Clause, ...] | None:
    """Clauses every match of ``pattern`` satisfies (each: holds one of its strings); None: nothing known."""
    return _needed(sre_parse.parse(pattern, flags))


def _needed(parsed: sre_parse.SubPattern) -> tuple[Clause, ...] | None:
    """``needed`` of a parsed pattern."""
    flags = parsed.state.flags
    if flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE | sre.SRE_FLAG_VERBOSE):
        return None
    clauses = _sequence(parsed.data, flags).all_clauses()
    if not clauses:
        return None
    # the cheapest to test first (fewest strings, the longest of them first), so that a text lacking them
    # fails early; a clause that another as cheap already implies (its every string holds one of this
    # one's) is left out
    unique = list(dict.fromkeys(clauses))
    kept = [c for c in unique if not any(o != c and len(o) <= len(c) and all(any(t in s for t in c) for s in o)
                                         for o in unique)]
    return tuple(sorted(kept, key=lambda c: (len(c), -min(map(len, c)))))


class Sieve:
    """``re.compile("|".join(f"(?:{p})" for p in patterns), flags)``, run only with the alternatives that
    can match a given text.

    The alternatives left are run one by one, each compiled alone once (an alternation of them would be
    compiled anew for every new combination): the first match of the alternation is the leftmost of
    theirs, the earliest alternative's on a tie, since none that is left out can match anywhere. That
    holds for alternatives that never match the empty string and refer to no group; a family with
    any other falls back to compiling the narrowed alternation.
    """

    def __init__(self, patterns: list[str], flags: int = 0) -> None:
        self.patterns = tuple(patterns)
        self.flags = flags
        parsed = [sre_parse.parse(p, flags) for p in self.patterns]  # each parsed once, for both analyses
        self.needs = tuple(_needed(tree) for tree in parsed)
        # per alternative: its clauses (() when nothing is known: always kept), or None when it cannot match
        self._needs: tuple[tuple[Clause, ...] | None, ...] = tuple(c or () for c in self.needs)
        self._ascii_needs = tuple(
            None if c and any(not any(string.isascii() for string in clause) for clause in c) else c or ()
            for c in self.needs)
        self._one_by_one = all(_runs_alone(tree) for tree in parsed)
        self._alone: list[re.Pattern[str] | None] = [None] * len(self.patterns)
        self._subsets: dict[tuple[int, ...], re.Pattern[str]] = {}

    @functools.cached_property
    def full(self) -> re.Pattern[str]:
        """The whole alternation, compiled when a text first keeps every alternative."""
        return alternation(self.patterns, self.flags)

    def kept(self, text: str, present: dict[str, bool] | None = None) -> list[int]:
        """The alternatives whose needed strings ``text`` holds, in order.
        ``present``: which strings ``text`` was found to hold, shared by the sieves asked about one text."""
        if len(text) < _SHORT_TEXT:
            return self._short_kept(text)
        if present is None:
            present = {}
        get = present.get
        keep = []
        # an ASCII text holds no string of other characters: the alternatives needing one are out at once
        for index, clauses in enumerate(self._ascii_needs if text.isascii() else self._needs):
            if clauses is None:
                continue
            for clause in clauses:
                for string in clause:
                    hit = get(string)
                    if hit is None:
                        hit = present[string] = string in text
                    if hit:
                        break
                else:
                    break
            else:
                keep.append(index)
        return keep

    @functools.cached_property
    def _short_kept(self) -> Callable[[str], list[int]]:
        """``kept`` for a short text, written out as one condition per alternative (``and`` over its clauses,
        ``or`` over their strings, each an ``in`` test): Python then stops at the first failed clause, the
        first string held, without the loop and the ``present`` look-ups (~25% faster on a text of a
        few thousand characters; on a longer one the ``in`` tests dominate and ``present`` saves repeats)."""
        lines = ["def kept(text):", "    keep = []"]
        for index, clauses in enumerate(self._needs):
            if clauses is None:
                continue
            condition = " and ".join("(" + " or ".join(f"{s!r} in text" for s in c) + ")" for c in clauses)
            lines += [f"    if {condition or 'True'}:", f"        keep.append({index})"]
        namespace: dict[str, Callable[[str], list[int]]] = {}
        exec("\n".join([*lines, "    return keep"]), namespace)  # the strings written as their repr()
        return namespace["kept"]

    def finditer(self, text: str, present: dict[str, bool] | None = None) -> Iterator[re.Match[str]]:
        """The matches of the whole alternation in ``text``, as ``full.finditer`` finds them."""
        keep = self.kept(text, present)
        if len(keep) == len(self.patterns):
            return self.full.finditer(text)
        if not keep:
            return iter(())
        if not self._one_by_one:
            return self._subset(tuple(keep)).finditer(text)
        return self._one_by_one_matches(text, keep)

    def search(self, text: str, present: dict[str, bool] | None = None) -> re.Match[str] | None:
        """The first match of the whole alternation in ``text``, as ``full.search`` finds it."""
        return next(self.finditer(text, present), None)

    def _one_by_one_matches(self, text: str, keep: list[int]) -> Iterator[re.Match[str]]:
        patterns = [self._compiled(i) for i in keep]
        found = [pattern.search(text) for pattern in patterns]
        while True:
            first = None
            for m in found:  # the leftmost; on a tie the earliest alternative (the alternation tries it first)
                if m is not None and (first is None or m.start() < first.start()):
                    first = m
            if first is None:
                return
            yield first
            end = first.end()  # never empty: the search goes on from its end, as finditer's does
            found = [m if m is None or m.start() >= end else pattern.search(text, end)
                     for pattern, m in zip(patterns, found, strict=True)]

    def _compiled(self, index: int) -> re.Pattern[str]:
        pattern = self._alone[index]
        if pattern is None:
            pattern = self._alone[index] = re.compile(self.patterns[index], self.flags)
        return pattern

    def _subset(self, keep: tuple[int, ...]) -> re.Pattern[str]:
        pattern = self._subsets.get(keep)
        if pattern is None:
            if len(self._subsets) >= _MAX_SUBSETS:
                self._subsets.clear()
            pattern = self._subsets[keep] = alternation([self.patterns[i] for i in keep], self.flags)
        return pattern


def _runs_alone(parsed: sre_parse.SubPattern) -> bool:
    """Can the (parsed) alternative be run on its own: it never matches the empty string (a match always
    moves the search on) and refers to no group by number or name (numbers shift outside the alternation)."""
    if parsed.getwidth()[0] == 0:
        return False
    stack = [parsed.data]
    while stack:
        for op, av in stack.pop():
            if op in (sre.GROUPREF, sre.GROUPREF_EXISTS, sre.GROUPREF_IGNORE, sre.GROUPREF_LOC_IGNORE,
                      sre.GROUPREF_UNI_IGNORE):
                return False
            for item in av if isinstance(av, (tuple, list)) else (av,):
                if isinstance(item, sre_parse.SubPattern):
                    stack.append(item.data)
                elif isinstance(item, (tuple, list)):
                    stack += [x.data for x in item if isinstance(x, sre_parse.SubPattern)]
    return True


def alternation(patterns: tuple[str, ...] | list[str], flags: int) -> re.Pattern[str]:
    """The patterns as one alternation, each in its own non-capturing group."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
