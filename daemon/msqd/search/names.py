"""Names as evidence: file, folder, project and class names, split the way people write them.

A file called ``train_celeba_wgan_gp.py`` in a project ``DCGAN-LSGAN-WGAN-GP-DRAGAN``
says more about what it is than anything in its comments. Every card's names are
split into words (``CycleGAN`` -> cycle, gan; ``cycle_gan`` -> cycle, gan;
``horse2zebra`` -> horse, 2, zebra) and indexed as *keys*: each word and each run of
up to four neighbouring words joined (cyclegan, wgangp, ppoatarilstm), so
"cycle gan", "CycleGAN" and "cyclegan" meet on one key. Each key carries a weight
for the card: its own names (the file's stem, its model classes) weigh
``OWN``, the folder holding it ``FOLDER``, the folders above and the project
``PROJECT``. The index is kept up to date slot by slot by the field table.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from functools import lru_cache

OWN = 1.0
FOLDER = 0.8
PROJECT = 0.6
# Names the code defines (compute_gradient_penalty, replay_buffer): evidence of what
# the file does, below the names a person gave the file and its models.
IDENT = 0.5
MAX_JOIN = 4
# How much of a key's weight depends on how much of its name it covers.
SPECIFIC = 0.4
# Typo correction looks at name words of this length and more: one edit turns too
# many short English words into a name ("stock" -> stack, "price" -> prime).
TYPO_MIN = 6
# Packed weights: 0..256 (1.0) in 9 bits.
_WBITS = 9
_WMASK = (1 << _WBITS) - 1
_WQ = 257

_SEP_RE = re.compile(r"[^A-Za-z0-9]+")
# CamelCase and letter/digit boundaries: "DCGANSolution" -> DCGAN Solution,
# "ResNet18" -> Res Net 18, "horse2zebra" -> horse 2 zebra.
_PART_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_EXTENSIONS = frozenset({"py", "ipynb", "yaml", "yml", "json", "toml", "cfg", "ini"})


def split_words(name: str) -> list[str]:
    """The lower-case words of an identifier or file name, in order."""
    # One pass over the whole name: the word pattern never crosses a separator.
    return " ".join(_PART_RE.findall(name)).lower().split()


def joined_keys(words: list[str], max_join: int = MAX_JOIN) -> set[str]:
    """Each word and each run of up to ``max_join`` neighbouring words joined."""
    keys = set(words)
    n = len(words)
    for i in range(n - 1):
        acc = words[i]
        for j in range(i + 1, min(n, i + max_join)):
            acc += words[j]
            keys.add(acc)
    return keys


def name_keys(name: str) -> set[str]:
    """The keys of one name: its words, their joins, and the name itself squashed."""
    words = split_words(name)
    keys = joined_keys(words)
    if words:
        keys.add("".join(words))
    # "CycleGAN-keras" -> "cyclegan" as typed, without the camel split.
    keys.update(_SEP_RE.sub(" ", name).lower().split())
    return keys


# Sized for a 100,000-card index: most project, folder and class names repeat, and a
# miss costs ~30 us at the first load.
@lru_cache(maxsize=1 << 18)
def _shares(name: str) -> tuple[tuple[str, float], ...]:
    """(key, specificity factor) of one name; cached: project, folder and class names repeat."""
    size = max(len(_SEP_RE.sub("", name)), 1)
    base, per = 1.0 - SPECIFIC, SPECIFIC / size
    return tuple(
        (k, base + per * n if n < size else 1.0)
        for k in name_keys(name)
        # Lone letters and numbers ("q", "2") only count inside joined keys.
        if (n := len(k)) >= 2 and not k.isdigit()
    )


def card_keys(
    path: str,
    project: str,
    classes: Iterable[str],
    followed: Iterable[str] = (),
    idents: Iterable[str] = (),
) -> dict[str, float]:
    """Name key -> weight for one card (its stem and own classes weigh most).

    ``followed`` are classes the file uses from a sibling module (weighed as its
    folder); ``idents`` the card's ``identifiers`` (weighed least). A key weighs
    more the more of its name it is: "wgangp" is all of the project "wgan-gp" but a
    fifth of "DCGAN-LSGAN-WGAN-GP-DRAGAN-Pytorch".
    """
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if project and project in parts:
        # The project's own folders: the last occurrence, so /home/x/proj/proj/a.py works.
        at = len(parts) - 1 - parts[::-1].index(project)
        inside = parts[at + 1 :]
    else:
        inside = parts[-3:]
    out: dict[str, float] = {}

    def add(name: str, weight: float) -> None:
        for k, share in _shares(name):
            w = weight * share
            if out.get(k, 0.0) < w:
                out[k] = w

    if project:
        add(project, PROJECT)
    for folder in inside[:-2]:
        add(folder, PROJECT)
    if len(inside) >= 2:
        add(inside[-2], FOLDER)
    if inside:
        stem = inside[-1]
        head, dot, ext = stem.rpartition(".")
        if dot and ext.lower() in _EXTENSIONS:
            stem = head
        add(stem, OWN)
    for c in classes:
        add(c, OWN)
    for c in followed:
        add(c, FOLDER)
    for i in idents:
        add(i, IDENT)
    out.pop("", None)
    return out


class NameIndex:
    """Name key -> {slot: weight}, updated one slot at a time.

    Held compactly because it holds every card's keys (~20-60 each), and most keys
    (the joins of a unique file name) belong to one card: keys are numbered, a key
    held by one card is one int (slot and weight packed) rather than a dict, a slot
    remembers only its key numbers (for :meth:`drop`), and weights are rounded to
    1/256 and shared.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # key -> key number
        self._words: list[str] = []  # key number -> key
        # key number -> {slot: weight}, or one holder packed as slot << 9 | weight * 256,
        # or -1 for none (a dropped holder).
        self._post: list[dict[int, float] | int] = []
        self._of: dict[int, array[int]] = {}  # slot -> its key numbers
        self._weights = [q / 256 for q in range(_WQ)]  # rounded weight -> one shared float
        self._typos: dict[str, set[str]] | None = None

    def put(self, slot: int, keys: dict[str, float]) -> None:
        """Replace the keys of ``slot``."""
        self.drop(slot)
        ids, post, words, weights = self._ids, self._post, self._words, self._weights
        base = slot << _WBITS
        nums = []
        for k, w in keys.items():
            q = int(w * 256 + 0.5) if 0.0 <= w <= 1.0 else (0 if w < 0 else 256)
            kid = ids.get(k)
            if kid is None:
                kid = ids[k] = len(words)
                words.append(k)
                post.append(base | q)
            else:
                held = post[kid]
                if type(held) is dict:
                    held[slot] = weights[q]
                elif held < 0 or held >> _WBITS == slot:
                    post[kid] = base | q
                else:
                    post[kid] = {held >> _WBITS: weights[held & _WMASK], slot: weights[q]}
            nums.append(kid)
        if nums:
            self._of[slot] = array("i", nums)
        self._typos = None

    def drop(self, slot: int) -> None:
        """Forget ``slot`` (its card was deleted or is being replaced)."""
        nums = self._of.pop(slot, None)
        if nums is None:
            return
        post = self._post
        for kid in nums:
            held = post[kid]
            if type(held) is dict:
                held.pop(slot, None)
            elif held >= 0 and held >> _WBITS == slot:
                post[kid] = -1
        # Key numbers stay allocated (a key nobody holds has an empty posting):
        # renumbering them would cost a pass over every slot for little memory.
        self._typos = None

    def renumber(self, keep: list[int]) -> None:
        """After the table compacts: old slot ``keep[i]`` becomes slot ``i``."""
        old_of, old_post = self._of, self._post
        self._of, self._post, self._typos = {}, [-1] * len(old_post), None
        words = self._words
        for new, old in enumerate(keep):
            nums = old_of.get(old)
            if nums is not None:
                self.put(new, {words[kid]: _get(old_post[kid], old) for kid in nums})

    def lookup(self, key: str) -> dict[int, float]:
        """The slots holding ``key`` and its weight for each (do not modify)."""
        kid = self._ids.get(key)
        if kid is None:
            return {}
        held = self._post[kid]
        if type(held) is dict:
            return held
        return {} if held < 0 else {held >> _WBITS: self._weights[held & _WMASK]}

    def keys_of(self, slot: int) -> dict[str, float]:
        """The name keys of ``slot`` and their weights (built on call: for tests and tools)."""
        words, post = self._words, self._post
        return {words[kid]: _get(post[kid], slot) for kid in self._of.get(slot, ())}

    def count(self, key: str) -> int:
        return len(self.lookup(key))

    def correct(self, word: str) -> str | None:
        """A name word one edit (or one swap) away from ``word``, when exactly one is."""
        if len(word) < TYPO_MIN or not word.isalpha():
            return None
        if self._typos is None:
            # Built on first need after a change: only questions with a word that
            # nothing holds pay for it.
            typos: dict[str, set[str]] = {}
            for k, kid in self._ids.items():
                if len(k) >= TYPO_MIN and k.isalpha() and self._post[kid] not in (-1, {}):
                    for d in _deletions(k):
                        typos.setdefault(d, set()).add(k)
            self._typos = typos
        found = {
            k
            for d in _deletions(word)
            for k in self._typos.get(d, ())
            if k != word and _osa1(word, k)
        }
        if len(found) != 1:
            return None
        return found.pop()


def _get(held: dict[int, float] | int, slot: int) -> float:
    """The weight of ``slot`` in one posting (0.0 when it holds none)."""
    if type(held) is dict:
        return held.get(slot, 0.0)
    return (held & _WMASK) / 256 if held >= 0 and held >> _WBITS == slot else 0.0


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _osa1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one insertion, deletion, substitution or swap apart."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


__all__ = ["NameIndex", "card_keys", "joined_keys", "name_keys", "split_words"]
