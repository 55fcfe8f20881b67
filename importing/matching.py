"""Forgiving name matching: width, spaces, a known alias or a unique prefix; an ambiguity is an error, never a guess."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from importing.cells import ALIAS_SEPARATORS, split_list

BRACKETED = re.compile(r"\(.*?\)$")
MIN_PREFIX = 2  # one character is a guess, not a prefix
MAX_CANDIDATES = 5


def name_key(text: str) -> str:
    """The form names are compared in: NFKC (full-width → half-width), no spaces at all, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


@dataclass(frozen=True)
class Match:
    """The outcome of a look-up: the record, or the Chinese reason there is none; a note when it was forgiving."""

    record: object = None
    problem: str | None = None
    note: str | None = None


def quoted(names) -> str:
    """“甲”、“乙”或“丙”: candidates as the office writes them."""
    names = [f"“{name}”" for name in names]
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "或" + names[-1]


class NameIndex:
    """Finds one record from a name a person typed: its name, code or an alias, else a unique prefix of one."""

    def __init__(self, what: str):
        self.what = what  # 单位 / 局领导: the word used in messages
        self.exact: dict[str, list[tuple[object, str]]] = {}
        self.entries: list[tuple[str, object, str]] = []  # (key, record, display) for prefixes and suggestions
        self._cache: dict[str, Match] = {}

    def add(self, record, display: str, *others: str, official: tuple[str, ...] = ()) -> None:
        """Register a record under its display name, exact-only keys (`others`) and official names (prefixable)."""
        for text in (display, *official):
            key = name_key(text)
            if key:
                self.entries.append((key, record, display))
        for text in (display, *official, *others):
            key = name_key(text)
            if key and all(existing is not record for existing, _ in self.exact.get(key, [])):
                self.exact.setdefault(key, []).append((record, display))

    def find(self, text: str) -> Match:
        """The record the text names, or why not (not found with suggestions, or ambiguous with the candidates)."""
        if text not in self._cache:
            self._cache[text] = self._find(text)
        return self._cache[text]

    def _find(self, text: str) -> Match:
        key = name_key(text)
        hits = self.exact.get(key, [])
        if len(hits) == 1:
            record, display = hits[0]
            note = None if name_key(display) == key else f"“{text}”按“{display}”匹配"
            return Match(record, note=note)
        if len(hits) > 1:
            return Match(problem=self._ambiguous(text, [display for _, display in hits]))
        prefixed = self._unique_records((record, display) for k, record, display in self.entries if k.startswith(key))
        if len(key) >= MIN_PREFIX and len(prefixed) == 1:
            record, display = prefixed[0]
            return Match(record, note=f"“{text}”按“{display}”匹配")
        if len(key) >= MIN_PREFIX and len(prefixed) > 1:
            return Match(problem=self._ambiguous(text, [display for _, display in prefixed]))
        return Match(problem=self._not_found(text, key))

    @staticmethod
    def _unique_records(pairs) -> list[tuple[object, str]]:
        seen, result = set(), []
        for record, display in pairs:
            if id(record) not in seen:
                seen.add(id(record))
                result.append((record, display))
        return result

    def _ambiguous(self, text: str, displays: list[str]) -> str:
        shown = displays[:MAX_CANDIDATES]
        more = f"等 {len(displays)} 个" if len(displays) > MAX_CANDIDATES else ""
        listed = "、".join(f"“{name}”" for name in shown)
        return f"“{text}”对应多个{self.what}：{listed}{more}，无法确定，请填写全称。"

    def _not_found(self, text: str, key: str) -> str:
        suggestions = self.suggest(key)
        if suggestions:
            return f"找不到{self.what}“{text}”，是否指{quoted(suggestions)}？"
        return f"找不到{self.what}“{text}”，请核对名称。"

    def suggest(self, key: str) -> list[str]:
        """Up to three names close to the key: ones that contain it or it contains, then look-alikes (typos)."""
        if not key:
            return []
        displays: dict[str, str] = {}
        for k, _, display in self.entries:
            if len(key) >= MIN_PREFIX and (key in k or (len(k) >= MIN_PREFIX and k in key)):
                displays.setdefault(display, display)
        keys = {k: display for k, _, display in self.entries}
        # "第二林厂" is close to "第二林场", not to "第二林场(营林所)": compare without the bracketed qualifier too
        keys.update({BRACKETED.sub("", k): display for k, display in keys.items() if BRACKETED.search(k)})
        for close in difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6):
            displays.setdefault(keys[close], keys[close])
        return list(displays)[:3]


def unit_index(units) -> NameIndex:
    """Units by name (prefixable), code and every alias in Unit.aliases."""
    index = NameIndex("单位")
    for unit in units:
        index.add(unit, unit.name, unit.code, *split_list(unit.aliases, ALIAS_SEPARATORS))
    return index


def leader_index(leaders) -> NameIndex:
    """Bureau leaders by name, name and title (赵振国局长, 赵振国（局长）) and surname and title (赵局长)."""
    index = NameIndex("局领导")
    for leader in leaders:
        title = leader.title or ""
        others = [f"{leader.name}{title}", f"{leader.name}（{title}）", str(leader)] if title else []
        if title and len(leader.name) >= 2:
            others.append(f"{leader.name[0]}{title}")
        index.add(leader, leader.name, *others)
    return index
