"""A column type seen through the domains it names: the built-in type underneath and the
constraints every value must pass. A change between a domain and another type is judged
on these: ``posint`` (integer, CHECK VALUE > 0) → ``integer`` widens and loses nothing,
``integer`` → ``posint`` keeps every value but may reject rows, and a domain over text →
``varchar(5)`` narrows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from puckdb.kinds.base import Key
from puckdb.kinds.type_usage import type_key
from puckdb.model import Domain

# A domain over a domain over … is at most this deep in any real schema; a cycle (which
# PostgreSQL forbids, but a hand-made model could hold) stops here rather than looping.
_MAX_DEPTH = 32


@dataclass(frozen=True)
class UnderlyingType:
    base: str
    """The type under every domain (``integer``, ``character varying(5)[]``)."""
    constraints: frozenset[str]
    """Each check definition of those domains, and ``NOT NULL`` when one has it."""
    domains: tuple[str, ...] = ()
    """The domains passed through, outermost first (as the type names them)."""


def domains_by_key(domains: Iterable[Domain]) -> dict[Key, Domain]:
    return {(domain.schema, domain.name): domain for domain in domains}


def underlying(data_type: str, domains: Mapping[Key, Domain]) -> UnderlyingType:
    """What ``data_type`` is under the domains of ``domains`` (a type no domain names is
    its own base, with no constraints)."""
    base, constraints, passed = data_type, set[str](), list[str]()
    for _ in range(_MAX_DEPTH):
        array = base[len(base.rstrip("[]")) :]
        key = type_key(base)
        domain = domains.get(key) if key is not None else None
        if domain is None:
            break
        passed.append(base.removesuffix(array))
        constraints.update(definition for _, definition in domain.checks)
        if domain.not_null:
            constraints.add("NOT NULL")
        base = domain.base + array
    return UnderlyingType(base, frozenset(constraints), tuple(passed))


def added_constraints(old: UnderlyingType, new: UnderlyingType) -> frozenset[str]:
    """The constraints values of ``new`` must pass that values of ``old`` were not already
    held to: existing rows may fail them."""
    return new.constraints - old.constraints
