"""Names: Python identifiers for database names, and names as PostgreSQL writes or picks them."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

MAX_IDENTIFIER_BYTES = 63
"""NAMEDATALEN - 1: the longest name PostgreSQL keeps, in bytes."""

# Inside a class body, an attribute shadows the module-level name it is called after for
# the rest of the body: a column attribute named `text` would turn a later
# `server_default=text(...)` into a call of the column. Attributes therefore never take
# a name the module uses in class bodies (its imports, enum types, the builtins written
# in annotations), nor one that declarative mapping reserves.
ANNOTATION_BUILTINS = frozenset({"int", "str", "float", "bool", "bytes", "list", "dict", "object"})
DECLARATIVE_RESERVED = frozenset({"metadata", "registry", "type_annotation_map"})
AMBIGUOUS = frozenset({"l", "I", "O"})
"""Names pycodestyle rejects (E741): they read as 1 and 0."""


class Namer:
    """Hands out unique Python names, avoiding a fixed set of reserved ones."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken = {_normalized(name) for name in reserved}

    def take(self, wanted: str, suffix: str = "_") -> str:
        """``wanted``, or ``wanted`` with ``suffix`` (then a number) when that is taken."""
        candidate = wanted
        number = 1
        while _normalized(candidate) in self._taken:
            candidate = f"{wanted}{suffix}" if number == 1 else f"{wanted}{suffix}{number}"
            number += 1
        self._taken.add(_normalized(candidate))
        return candidate


def snake_name(name: str, fallback: str = "column") -> str:
    """A lowercase Python identifier that reads like ``name``: ``Display Name`` →
    ``display_name``, ``UserId`` → ``user_id``, ``class`` → ``class_``."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    snake = re.sub(r"\W+", "_", words.lower()).strip("_")
    snake = re.sub(r"_+", "_", snake)
    if not snake:
        snake = fallback
    if snake[0].isdigit():
        snake = f"{fallback}_{snake}"
    if not snake.isidentifier():
        snake = fallback
    if keyword.iskeyword(snake):
        snake += "_"
    return snake


def camel_name(name: str, fallback: str = "Table") -> str:
    """A CapWords Python class name for ``name``: ``card_review_srs`` → ``CardReviewSrs``."""
    parts = [part for part in snake_name(name, fallback.lower()).split("_") if part]
    camel = "".join(part[:1].upper() + part[1:] for part in parts)
    if not camel or not camel[0].isalpha():
        camel = fallback + camel
    return camel if camel.isidentifier() else fallback


def attribute_is_plain(name: str) -> bool:
    """Whether a column can be mapped under its own name: a lowercase identifier that is
    not a keyword and not private or mangled (leading underscores)."""
    return (
        name.isidentifier()
        and name == name.lower()
        and not keyword.iskeyword(name)
        and not name.startswith("_")
        and unicodedata.normalize("NFKC", name) == name
    )


def pg_object_name(name1: str, name2: str | None, label: str) -> str:
    """The name PostgreSQL makes for an implicit object (makeObjectName): ``name1_name2_label``
    with the longer of the two names shortened, byte-wise on character boundaries, until
    the whole fits in 63 bytes. ``table_pkey``, ``table_column_seq``."""
    first, second = name1.encode(), (name2 or "").encode()
    overhead = len(label.encode()) + 1 + (1 if name2 is not None else 0)
    available = MAX_IDENTIFIER_BYTES - overhead
    first_bytes, second_bytes = len(first), len(second)
    while first_bytes + second_bytes > available:
        if first_bytes > second_bytes:
            first_bytes -= 1
        else:
            second_bytes -= 1
    parts = [_clip(first, first_bytes)]
    if name2 is not None:
        parts.append(_clip(second, second_bytes))
    return "_".join([*parts, label])


def parse_qualified(text: str) -> tuple[str, ...] | None:
    """The names of a dotted, possibly quoted name as PostgreSQL prints it
    (``audit."Level"`` → ``("audit", "Level")``), or None when ``text`` is not one."""
    parts: list[str] = []
    position = 0
    while True:
        if text.startswith('"', position):
            end = position + 1
            name: list[str] = []
            while True:
                quote = text.find('"', end)
                if quote < 0:
                    return None
                name.append(text[end:quote])
                if text.startswith('"', quote + 1):
                    name.append('"')
                    end = quote + 2
                    continue
                position = quote + 1
                break
            parts.append("".join(name))
        else:
            match = re.compile(r"[a-z_][a-z0-9_$]*").match(text, position)
            if match is None:
                return None
            parts.append(match.group())
            position = match.end()
        if position == len(text):
            return tuple(parts)
        if text[position] != ".":
            return None
        position += 1


def collation_name(text: str) -> str | None:
    """The name SQLAlchemy's ``collation=`` takes for a collation as PostgreSQL prints it
    (``"C"``, ``public.bytewise``), or None when it cannot say it: SQLAlchemy quotes the
    collation as one name, so one in another schema than public cannot be written (public's
    resolves unqualified)."""
    names = parse_qualified(text)
    if names is not None and len(names) == 2 and names[0] == "public":
        names = names[1:]
    return names[0] if names is not None and len(names) == 1 else None


def printed_forms(name: str) -> set[str]:
    """How PostgreSQL may print an identifier: bare or double-quoted."""
    return {name, '"' + name.replace('"', '""') + '"'}


def _clip(encoded: bytes, length: int) -> str:
    """The longest prefix of ``encoded`` within ``length`` bytes that ends on a character
    boundary (pg_mbcliplen)."""
    while length > 0:
        try:
            return encoded[:length].decode()
        except UnicodeDecodeError:
            length -= 1
    return ""


def _normalized(name: str) -> str:
    # Python reads identifiers in NFKC form: two spellings that normalize alike collide.
    return unicodedata.normalize("NFKC", name)
