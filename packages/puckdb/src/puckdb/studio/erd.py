"""The studio's entity-relationship diagram: the managed tables as one server-rendered SVG.

The SVG is a plain string with no JavaScript, fonts or external resources, so the studio can
inline it in a page (or serve it as a file) and it looks the same everywhere. A layout library
would be a heavy dependency for a few hundred boxes, so this module does a small layered
("Sugiyama") layout of its own, every step deterministic:

1. rank   - each table gets the length of its longest foreign-key chain: referenced tables
            (rank 0) sit in the leftmost column, the tables that reference them further right.
            Cycles are broken at depth-first back edges; those arrows point right instead.
2. layers - each rank is a column, split in two or more when it would be very tall; tables
            with no foreign key on either side get columns of their own at the far right.
3. lanes  - an arrow that skips columns passes through a "lane", a thin slot reserved in every
            column it crosses, so it never runs over a box; arrows to one table share lanes.
4. order  - barycenter sweeps reorder each column to reduce crossings; the best order wins.
5. place  - every box is pulled toward the mean height of its neighbours (isotonic regression
            keeps the column's order and gaps), which straightens the arrows.
6. draw   - cubic curves with horizontal tangents across the gaps between columns, straight
            through lanes, from the foreign-key column's row to the referenced column's row.

Colours are CSS variables with light defaults, dark ones under ``prefers-color-scheme``; a host
page can theme the diagram by setting ``--erd-fg``, ``--erd-muted``, ``--erd-box-bg``,
``--erd-header-bg``, ``--erd-border``, ``--erd-edge``, ``--erd-accent``, ``--erd-pk`` or
``--erd-fk`` on any ancestor of the ``<svg>``.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from puckdb.model import Column, ForeignKey, Schema, Table

__all__ = ["render_erd"]

# -- geometry (px) ----------------------------------------------------------------------
# All text is monospace, so widths are computed without font metrics: nearly every monospace
# face advances 0.6em per character (Consolas a little less, which only leaves more room).
_CHAR_EM = 0.6
_TITLE_SIZE = 13
_ROW_SIZE = 11
_BADGE_SIZE = 9
_PAD = 10
_HEADER_H = 28
_ROW_H = 18
_BOTTOM_PAD = 6
_BADGE_W = 34
_NAME_TYPE_GAP = 16
_MIN_BOX_W = 140
_MAX_TYPE_CHARS = 26
_MAX_KEY_ROWS = 12
_OTHER_ROWS = 3
_MARGIN = 24
_COL_GAP = 96
_BOX_GAP = 22
_GRID_GAP = 36
_LANE_H = 6
_LANE_GAP = 8
_LOOP = 44
_LOOP_STEP = 14
_MIN_ROWS_PER_COLUMN = 8
_ORDER_SWEEPS = 4
_PLACE_SWEEPS = 4

_ARROW_ID = "puckdb-erd-arrow"
_DOT_ID = "puckdb-erd-dot"

# Prefixed classes, scoped under the root class: an inline SVG's <style> applies to the whole
# host page, so nothing here may match the studio's own markup.
_STYLE = (
    ".puckdb-erd{"
    "--_fg:var(--erd-fg,#1f2328);--_muted:var(--erd-muted,#5f6b7a);"
    "--_box:var(--erd-box-bg,#ffffff);--_head:var(--erd-header-bg,#eaeef3);"
    "--_border:var(--erd-border,#b8c1cc);--_edge:var(--erd-edge,#7b8794);"
    "--_accent:var(--erd-accent,#0b63c7);--_pk:var(--erd-pk,#9a6200);--_fk:var(--erd-fk,#0b63c7);"
    'font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}'
    "@media (prefers-color-scheme:dark){.puckdb-erd{"
    "--_fg:var(--erd-fg,#e6edf3);--_muted:var(--erd-muted,#9aa6b2);"
    "--_box:var(--erd-box-bg,#161b22);--_head:var(--erd-header-bg,#222a35);"
    "--_border:var(--erd-border,#3d4753);--_edge:var(--erd-edge,#8591a0);"
    "--_accent:var(--erd-accent,#58a6ff);--_pk:var(--erd-pk,#e3b341);--_fk:var(--erd-fk,#58a6ff)}}"
    ".puckdb-erd .erd-box{fill:var(--_box);stroke:var(--_border);stroke-width:1}"
    ".puckdb-erd .erd-header{fill:var(--_head)}"
    f".puckdb-erd .erd-title{{fill:var(--_fg);font-size:{_TITLE_SIZE}px;font-weight:600}}"
    ".puckdb-erd a .erd-title{fill:var(--_accent)}"
    ".puckdb-erd a:hover .erd-title,.puckdb-erd a:focus .erd-title{text-decoration:underline}"
    f".puckdb-erd .erd-col{{fill:var(--_fg);font-size:{_ROW_SIZE}px}}"
    f".puckdb-erd .erd-type{{fill:var(--_muted);font-size:{_ROW_SIZE}px}}"
    ".puckdb-erd .erd-more{fill:var(--_muted);font-style:italic}"
    f".puckdb-erd .erd-badge{{font-size:{_BADGE_SIZE}px;font-weight:700}}"
    ".puckdb-erd .erd-pk{fill:var(--_pk)}.puckdb-erd .erd-fk{fill:var(--_fk)}"
    ".puckdb-erd .erd-edge{fill:none;stroke:var(--_edge);stroke-width:1.25}"
    ".puckdb-erd .erd-edge:hover{stroke:var(--_accent);stroke-width:2.5}"
    ".puckdb-erd .erd-marker{fill:var(--_edge)}"
    ".puckdb-erd .erd-external .erd-box{stroke-dasharray:4 3}"
    ".puckdb-erd .erd-external .erd-header{fill:none}"
    ".puckdb-erd .erd-external .erd-title{fill:var(--_muted);font-weight:400}"
    ".puckdb-erd .erd-empty{fill:var(--_muted);font-size:12px}"
)


# -- text -------------------------------------------------------------------------------


def _escape_table() -> dict[int, str]:
    table = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#39;"}
    # XML 1.0 cannot carry most control characters even as references, and SVG would collapse
    # tabs and newlines; quoted identifiers may hold any of them, so show their control pictures.
    table.update({code: chr(0x2400 + code) for code in range(0x20)})
    table[0x7F] = "\u2421"
    # Lone surrogates and U+FFFE/U+FFFF are not XML characters at all.
    table.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
    table.update({0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})
    return table


_ESCAPES = _escape_table()


def _esc(text: str) -> str:
    """``text`` safe as XML character data and inside a double- or single-quoted attribute."""
    return text.translate(_ESCAPES)


def _cells(text: str) -> int:
    """How many monospace cells ``text`` takes: East Asian wide characters take two,
    combining marks none."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _text_width(text: str, size: float) -> float:
    return _cells(text) * size * _CHAR_EM


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    """A coordinate with at most one decimal, so that output is short and stable."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


# -- the graph --------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One line of a box: a column (with its key badges and type) or the "… N more" line."""

    name: str
    type: str = ""
    pk: bool = False
    fk: bool = False
    more: bool = False


@dataclass(eq=False, slots=True)
class _Slot:
    """Something that takes vertical room in a column: a table's box or a lane."""

    id: int
    """Unique among the slots, and for boxes their position in ``nodes``: schema order, then
    the outside tables in the order they are first referenced."""
    height: float
    layer: int = 0
    pos: int = 0
    y: float = 0.0
    """Top edge."""

    @property
    def center(self) -> float:
        return self.y + self.height / 2


@dataclass(eq=False, slots=True)
class _Node(_Slot):
    """A table's box. ``table`` is None for a referenced table outside the managed schemas,
    drawn dashed so that its foreign keys still get their arrow."""

    key: tuple[str, str] = ("", "")
    title: str = ""
    table: Table | None = None
    rows: list[_Row] = field(default_factory=list)
    row_of: dict[str, int] = field(default_factory=dict)
    width: float = 0.0
    x: float = 0.0

    def port(self, column: str) -> float:
        """Where an arrow meets the box: the column's row, or the header when it is hidden."""
        row = self.row_of.get(column)
        if row is None:
            return self.y + _HEADER_H / 2
        return self.y + _HEADER_H + row * _ROW_H + _ROW_H / 2


@dataclass(eq=False, slots=True)
class _Lane(_Slot):
    """A reserved slot in a column that arrows skipping that column run through."""


@dataclass(eq=False, slots=True)
class _Edge:
    fk: ForeignKey
    src: _Node
    dst: _Node
    column: str = ""
    """The referencing column the arrow starts at (see :func:`_port_column`)."""
    ref_column: str = ""
    """The referenced column it points at: ``column``'s counterpart."""
    lanes: list[_Lane] = field(default_factory=list)
    """The lanes crossed, left to right."""


def _port_column(fk: ForeignKey, table: Table) -> int:
    """Which column pair of ``fk`` its arrow joins. Composite keys usually run from general to
    specific and share their leading columns (StudyPuck's (user_id, language_id, card_id) and
    (user_id, language_id, group_id)), so the last column that no other foreign key of the
    table uses tells the arrows apart, and the last column overall keeps arrows into one table
    meeting at one row."""
    shared = {name for other in table.foreign_keys if other is not fk for name in other.columns}
    last = len(fk.columns) - 1
    return next((i for i in range(last, -1, -1) if fk.columns[i] not in shared), max(last, 0))


def _table_rows(table: Table) -> list[_Row]:
    """Key columns first (in table order), then a few others, then how many are hidden."""
    pk = set(table.primary_key.columns) if table.primary_key else set()
    fk = {name for key in table.foreign_keys for name in key.columns}
    keys: list[Column] = []
    others: list[Column] = []
    for column in table.columns:
        (keys if column.name in pk or column.name in fk else others).append(column)
    shown = keys[:_MAX_KEY_ROWS] + (others[:_OTHER_ROWS] if len(keys) <= _MAX_KEY_ROWS else [])
    rows = [
        _Row(column.name, _shorten(column.data_type, _MAX_TYPE_CHARS), column.name in pk, column.name in fk)
        for column in shown
    ]
    hidden = len(table.columns) - len(shown)
    if hidden:
        rows.append(_Row(f"… {hidden} more", more=True))
    return rows


def _size(node: _Node) -> None:
    title = _text_width(node.title, _TITLE_SIZE) + 2 * _PAD
    body = 0.0
    for row in node.rows:
        width = _text_width(row.name, _ROW_SIZE)
        if row.type:
            width += _NAME_TYPE_GAP + _text_width(row.type, _ROW_SIZE)
        body = max(body, width)
    node.width = math.ceil(max(_MIN_BOX_W, title, body + _BADGE_W + 2 * _PAD))
    node.height = _HEADER_H + (len(node.rows) * _ROW_H + _BOTTOM_PAD if node.rows else 0)
    node.row_of = {row.name: i for i, row in enumerate(node.rows) if not row.more}


def _build(schema: Schema) -> tuple[list[_Node], list[_Edge]]:
    # Qualify names only when the tables span several schemas: "public." on every box is noise.
    qualify = len({table.schema for table in schema.tables}) > 1
    nodes: list[_Node] = []
    by_key: dict[tuple[str, str], _Node] = {}
    for table in schema.tables:
        title = f"{table.schema}.{table.name}" if qualify else table.name
        node = _Node(len(nodes), 0.0, key=table.key, title=title, table=table, rows=_table_rows(table))
        nodes.append(node)
        by_key[table.key] = node
    edges: list[_Edge] = []
    outside: dict[tuple[str, str], list[str]] = {}
    for table in schema.tables:
        for fk in table.foreign_keys:
            ref = (fk.ref_schema, fk.ref_table)
            dst = by_key.get(ref)
            if dst is None:
                dst = _Node(len(nodes), 0.0, key=ref, title=f"{fk.ref_schema}.{fk.ref_table}")
                nodes.append(dst)
                by_key[ref] = dst
                outside[ref] = []
            if dst.table is None:
                # All that is known of an outside table is the columns referenced in it.
                known = outside[ref]
                known.extend(name for name in fk.ref_columns if name not in known)
            pair = _port_column(fk, table)
            column = fk.columns[pair] if pair < len(fk.columns) else ""
            ref_column = fk.ref_columns[pair] if pair < len(fk.ref_columns) else ""
            edges.append(_Edge(fk, by_key[table.key], dst, column, ref_column))
    for ref, columns in outside.items():
        by_key[ref].rows = [_Row(name) for name in columns]
    for node in nodes:
        _size(node)
    return nodes, edges


# -- layout -----------------------------------------------------------------------------


def _rank(nodes: list[_Node], edges: list[_Edge]) -> list[int]:
    """The longest foreign-key chain from each table (0: it references nothing). A cycle is
    broken at the depth-first back edge that closes it, which is left out of the chains.
    Iterative, so that a long chain cannot hit the recursion limit."""
    succ: list[list[int]] = [[] for _ in nodes]
    for edge in edges:
        s, d = edge.src.id, edge.dst.id
        if s != d and d not in succ[s]:
            succ[s].append(d)
    state = [0] * len(nodes)  # 0 unseen, 1 on the stack, 2 done
    rank = [0] * len(nodes)
    back: set[tuple[int, int]] = set()
    for root in range(len(nodes)):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if state[child] == 0:
                    state[child] = 1
                    stack.append((child, iter(succ[child])))
                    break
                if state[child] == 1:
                    back.add((node, child))
            else:
                stack.pop()
                state[node] = 2
                rank[node] = 1 + max((rank[c] for c in succ[node] if (node, c) not in back), default=-1)
    return rank


def _bfs_order(nodes: list[_Node], edges: list[_Edge]) -> list[_Node]:
    """Nodes in breadth-first order over the undirected graph, so that related tables start
    out next to each other before the barycenter sweeps."""
    adjacent: list[list[int]] = [[] for _ in nodes]
    for edge in edges:
        adjacent[edge.src.id].append(edge.dst.id)
        adjacent[edge.dst.id].append(edge.src.id)
    seen = [False] * len(nodes)
    order: list[_Node] = []
    for start in range(len(nodes)):
        if seen[start]:
            continue
        seen[start] = True
        queue = [start]
        for current in queue:
            order.append(nodes[current])
            for other in adjacent[current]:
                if not seen[other]:
                    seen[other] = True
                    queue.append(other)
    return order


def _layers(nodes: list[_Node], edges: list[_Edge]) -> tuple[list[list[_Slot]], int]:
    """The columns, left to right, and how many of them hold linked tables: the tables with
    no foreign key to or from another table come after those, in columns of their own."""
    rank = _rank(nodes, edges)
    linked = {edge.src.id for edge in edges if edge.src is not edge.dst}
    linked |= {edge.dst.id for edge in edges if edge.src is not edge.dst}
    # Columns taller than about 1.2·√n boxes would make a tall, thin picture (the grid then
    # comes out roughly 3:2); small schemas keep one column per rank.
    cap = max(_MIN_ROWS_PER_COLUMN, math.ceil(1.2 * math.sqrt(len(nodes))))
    by_rank: dict[int, list[_Node]] = {}
    alone: list[_Node] = []
    for node in _bfs_order(nodes, edges):
        if node.id in linked:
            by_rank.setdefault(rank[node.id], []).append(node)
        else:
            alone.append(node)
    groups = [by_rank[r] for r in sorted(by_rank)] + ([alone] if alone else [])
    layers: list[list[_Slot]] = []
    for group in groups:
        for start in range(0, len(group), cap):
            layers.append(list(group[start : start + cap]))
    linked_layers = len(layers) - (math.ceil(len(alone) / cap) if alone else 0)
    for number, layer in enumerate(layers):
        for pos, slot in enumerate(layer):
            slot.layer, slot.pos = number, pos
    return layers, linked_layers


def _add_lanes(layers: list[list[_Slot]], edges: list[_Edge], next_id: int) -> None:
    # Arrows into one table through one column share a lane ("edge concentration"), so that a
    # table referenced from far away does not get a thick band of parallel lines.
    lanes: dict[tuple[int, int, bool], _Lane] = {}
    for edge in edges:
        if edge.src is edge.dst:
            continue
        leftward = edge.src.layer > edge.dst.layer
        low, high = sorted((edge.src.layer, edge.dst.layer))
        for layer in range(low + 1, high):
            key = (edge.dst.id, layer, leftward)
            lane = lanes.get(key)
            if lane is None:
                lane = _Lane(next_id, _LANE_H, layer, len(layers[layer]))
                next_id += 1
                lanes[key] = lane
                layers[layer].append(lane)
            edge.lanes.append(lane)


def _neighbours(
    slot_count: int, edges: list[_Edge]
) -> tuple[list[list[_Slot]], list[list[_Slot]], list[list[tuple[_Slot, _Slot]]]]:
    """For every slot its distinct neighbours in the column to its left and to its right, and
    the distinct segments between each pair of adjacent columns."""
    left: list[list[_Slot]] = [[] for _ in range(slot_count)]
    right: list[list[_Slot]] = [[] for _ in range(slot_count)]
    segments: dict[int, dict[tuple[int, int], tuple[_Slot, _Slot]]] = {}
    for edge in edges:
        if edge.src is edge.dst:
            continue
        a, b = (edge.dst, edge.src) if edge.dst.layer < edge.src.layer else (edge.src, edge.dst)
        chain: list[_Slot] = [a, *edge.lanes, b]
        for one, two in itertools.pairwise(chain):
            between = segments.setdefault(one.layer, {})
            if (one.id, two.id) not in between:
                between[(one.id, two.id)] = (one, two)
                right[one.id].append(two)
                left[two.id].append(one)
    highest = max(segments, default=-1)
    by_gap = [list(segments.get(gap, {}).values()) for gap in range(highest + 1)]
    return left, right, by_gap


def _crossings(by_gap: list[list[tuple[_Slot, _Slot]]], layers: list[list[_Slot]]) -> int:
    """Segment crossings between adjacent columns: inversions, counted with a Fenwick tree."""
    total = 0
    for gap, segments in enumerate(by_gap):
        if len(segments) < 2:
            continue
        size = len(layers[gap + 1])
        tree = [0] * (size + 1)
        ordered = sorted(segments, key=lambda s: (s[0].pos, s[1].pos))
        for inserted, (_, two) in enumerate(ordered):
            i = two.pos + 1
            not_above = 0
            while i > 0:
                not_above += tree[i]
                i -= i & -i
            total += inserted - not_above
            i = two.pos + 1
            while i <= size:
                tree[i] += 1
                i += i & -i
    return total


def _order(
    layers: list[list[_Slot]],
    left: list[list[_Slot]],
    right: list[list[_Slot]],
    by_gap: list[list[tuple[_Slot, _Slot]]],
) -> None:
    best = [list(layer) for layer in layers]
    best_crossings = _crossings(by_gap, layers)
    for sweep in range(_ORDER_SWEEPS):
        downward = sweep % 2 == 0
        numbers = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
        across = left if downward else right
        for number in numbers:
            layer = layers[number]

            def barycenter(slot: _Slot, across: list[list[_Slot]] = across) -> float:
                # A slot with no neighbour on that side keeps its place (a stable sort).
                others = across[slot.id]
                return sum(other.pos for other in others) / len(others) if others else slot.pos

            layer.sort(key=barycenter)
            for pos, slot in enumerate(layer):
                slot.pos = pos
        found = _crossings(by_gap, layers)
        if found < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], found
    for number, layer in enumerate(best):
        layers[number] = layer
        for pos, slot in enumerate(layer):
            slot.pos = pos


def _gap(one: _Slot, two: _Slot) -> float:
    return _BOX_GAP if isinstance(one, _Node) and isinstance(two, _Node) else _LANE_GAP


def _fit(layer: list[_Slot], wanted: list[float]) -> None:
    """Set the tops of a column's slots so that their centers are as close as possible (least
    squares) to ``wanted``, keeping their order and gaps: with each slot's offset from a packed
    column taken out, this is isotonic regression, solved by pool-adjacent-violators."""
    offsets: list[float] = []
    offset = 0.0
    for i, slot in enumerate(layer):
        offsets.append(offset)
        if i + 1 < len(layer):
            offset += slot.height + _gap(slot, layer[i + 1])
    targets = [want - slot.height / 2 - off for want, slot, off in zip(wanted, layer, offsets, strict=True)]
    blocks: list[list[float]] = []  # [sum, count]
    for target in targets:
        blocks.append([target, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    i = 0
    for total, count in blocks:
        for _ in range(int(count)):
            layer[i].y = total / count + offsets[i]
            i += 1


def _stack(layer: list[_Slot], top: float) -> float:
    """Pack a column from ``top`` down; its height."""
    y = top
    for i, slot in enumerate(layer):
        slot.y = y
        y += slot.height + (_gap(slot, layer[i + 1]) if i + 1 < len(layer) else 0)
    return y - top


def _place(
    layers: list[list[_Slot]], linked_layers: int, left: list[list[_Slot]], right: list[list[_Slot]]
) -> None:
    # Start from packed columns centred on each other, then let the neighbours pull.
    heights = [_stack(layer, 0.0) for layer in layers[:linked_layers]]
    tallest = max(heights, default=0.0)
    for layer, height in zip(layers, heights, strict=False):
        for slot in layer:
            slot.y += (tallest - height) / 2

    def pull(number: int, sides: Sequence[list[list[_Slot]]]) -> None:
        layer = layers[number]
        wanted = []
        for slot in layer:
            others = [other for side in sides for other in side[slot.id]]
            wanted.append(sum(o.center for o in others) / len(others) if others else slot.center)
        _fit(layer, wanted)

    for sweep in range(_PLACE_SWEEPS):
        if sweep % 2 == 0:
            for number in range(1, len(layers)):
                pull(number, (left,))
        else:
            for number in range(len(layers) - 2, -1, -1):
                pull(number, (right,))
    for number in range(len(layers)):
        pull(number, (left, right))
    # Unlinked tables have nothing to pull them: a plain grid, top-aligned with the rest.
    top = min((slot.y for layer in layers[:linked_layers] for slot in layer), default=0.0)
    for layer in layers[linked_layers:]:
        _stack(layer, top)


# -- drawing ----------------------------------------------------------------------------


def _edge_path(edge: _Edge, xs: list[float], widths: list[float]) -> str:
    src, dst = edge.src, edge.dst
    src_y, dst_y = src.port(edge.column), dst.port(edge.ref_column)
    a, a_y, b, b_y = (dst, dst_y, src, src_y) if dst.layer < src.layer else (src, src_y, dst, dst_y)
    # Built left to right: points, and for each step whether it is a curve across the gap
    # between two columns or a straight run. Curves stay inside the gaps, which hold no boxes:
    # a box narrower than its column first gets a straight stub to the column's right edge
    # (at a height only that box occupies in its column), and lanes are crossed straight.
    points = [(a.x + a.width, a_y)]
    curved: list[bool] = []
    column_edge = xs[a.layer] + widths[a.layer]
    if column_edge > points[0][0]:
        points.append((column_edge, a_y))
        curved.append(False)
    for lane in edge.lanes:
        points += [(xs[lane.layer], lane.center), (xs[lane.layer] + widths[lane.layer], lane.center)]
        curved += [True, False]
    points.append((b.x, b_y))
    curved.append(True)
    if b is src:
        points.reverse()
        curved.reverse()
    parts = [f"M{_num(points[0][0])},{_num(points[0][1])}"]
    for ((px, py), (qx, qy)), curve in zip(itertools.pairwise(points), curved, strict=True):
        if curve:
            # Horizontal tangents at both ends, so arrows leave and enter boxes head-on.
            mx = _num((px + qx) / 2)
            parts.append(f"C{mx},{_num(py)} {mx},{_num(qy)} {_num(qx)},{_num(qy)}")
        else:
            parts.append(f"H{_num(qx)}")
    return "".join(parts)


def _loop_path(edge: _Edge, nth: int) -> str:
    """A self-reference: out of the box's right side at the foreign-key row, back in at the
    referenced row (the header when the two would coincide)."""
    node = edge.src
    start, end = node.port(edge.column), node.port(edge.ref_column)
    if abs(start - end) < _ROW_H / 2:
        header = node.y + _HEADER_H / 2
        end = header if abs(start - header) >= _ROW_H / 2 else start + _ROW_H
    x = node.x + node.width
    reach = _num(x + _LOOP + nth * _LOOP_STEP)
    return f"M{_num(x)},{_num(start)}C{reach},{_num(start)} {reach},{_num(end)} {_num(x)},{_num(end)}"


def _edge_title(edge: _Edge) -> str:
    columns = ", ".join(edge.fk.columns)
    ref_columns = ", ".join(edge.fk.ref_columns)
    return f"{edge.fk.name}: {edge.src.title} ({columns}) → {edge.dst.title} ({ref_columns})"


def _header_shape(width: float) -> str:
    """The header band: rounded top corners matching the box, square bottom."""
    r = 6
    w = _num(width)
    return f"M0,{_HEADER_H}V{r}A{r},{r} 0 0 1 {r},0H{_num(width - r)}A{r},{r} 0 0 1 {w},{r}V{_HEADER_H}Z"


def _qualified(node: _Node) -> str:
    """``schema.table``, escaped: how data attributes name a table for the host page's CSS."""
    return f"{_esc(node.key[0])}.{_esc(node.key[1])}"


def _draw_node(node: _Node, link: Callable[[str, str], str] | None, out: list[str]) -> None:
    table = node.table
    classes = "erd-table" if table is not None else "erd-table erd-external"
    out.append(
        f'<g class="{classes}" data-table="{_qualified(node)}" '
        f'transform="translate({_num(node.x)},{_num(node.y)})">'
    )
    tooltip = table.comment if table is not None and table.comment else None
    if table is None:
        tooltip = "outside the managed schemas"
    if tooltip:
        out.append(f"<title>{_esc(tooltip)}</title>")
    w, h = _num(node.width), _num(node.height)
    out.append(f'<rect class="erd-box" width="{w}" height="{h}" rx="6"/>')
    header = f'<path class="erd-header" d="{_header_shape(node.width)}"/>'
    title = f'<text class="erd-title" x="{_PAD}" y="18">{_esc(node.title)}</text>'
    if link is not None and table is not None:
        href = _esc(link(table.schema, table.name))
        out.append(f'<a href="{href}">{header}{title}</a>')
    else:
        out.append(header + title)
    if node.rows:
        out.append(f'<path class="erd-box" d="M0,{_HEADER_H}H{w}"/>')
    for i, row in enumerate(node.rows):
        base = _num(_HEADER_H + i * _ROW_H + 13)
        name_x = _PAD + _BADGE_W
        if row.more:
            out.append(f'<text class="erd-col erd-more" x="{name_x}" y="{base}">{_esc(row.name)}</text>')
            continue
        if row.pk:
            out.append(f'<text class="erd-badge erd-pk" x="{_PAD}" y="{base}">PK</text>')
        if row.fk:
            fk_x = _PAD + (15 if row.pk else 0)
            out.append(f'<text class="erd-badge erd-fk" x="{fk_x}" y="{base}">FK</text>')
        out.append(f'<text class="erd-col" x="{name_x}" y="{base}">{_esc(row.name)}</text>')
        if row.type:
            type_x = _num(node.width - _PAD)
            out.append(
                f'<text class="erd-type" x="{type_x}" y="{base}" text-anchor="end">{_esc(row.type)}</text>'
            )
    out.append("</g>")


def _svg_open(width: float, height: float, label: str) -> list[str]:
    w, h = _num(width), _num(height)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="puckdb-erd" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" aria-label="{_esc(label)}">',
        f"<title>{_esc(label)}</title>",
        f"<style>{_STYLE}</style>",
    ]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_erd(schema: Schema, *, link: Callable[[str, str], str] | None = None) -> str:
    """An SVG entity-relationship diagram of ``schema``'s tables.

    Each table is a box titled with its name (qualified when the tables span several schemas),
    linked to ``link(schema, table)`` when ``link`` is given, listing its primary-key (PK) and
    foreign-key (FK) columns, then the first few other columns with their types. Each foreign
    key is one arrow (one ``<path class="erd-edge">``) from the referencing table's column to the
    referenced table; a table referenced from outside the managed schemas appears as a dashed box.
    The same schema always gives the same text.
    """
    if not schema.tables:
        out = _svg_open(200, 64, "Entity-relationship diagram: no tables")
        out.append('<text class="erd-empty" x="100" y="36" text-anchor="middle">No tables</text></svg>')
        return "".join(out)

    nodes, edges = _build(schema)
    layers, linked_layers = _layers(nodes, edges)
    _add_lanes(layers, edges, len(nodes))
    slot_count = len(nodes) + sum(1 for layer in layers for slot in layer if isinstance(slot, _Lane))
    left, right, by_gap = _neighbours(slot_count, edges)
    _order(layers, left, right, by_gap)
    _place(layers, linked_layers, left, right)

    # Columns left-aligned; the gaps between them carry the curves, and self-references loop
    # out to the right. Columns of unlinked tables need neither and sit closer together.
    widths = [max((slot.width for slot in layer if isinstance(slot, _Node)), default=0.0) for layer in layers]
    loops: dict[int, int] = {}
    for edge in edges:
        if edge.src is edge.dst:
            loops[edge.src.id] = loops.get(edge.src.id, 0) + 1
    looping = {nodes[index].layer for index in loops}
    xs: list[float] = []
    x = float(_MARGIN)
    for number, width in enumerate(widths):
        xs.append(x)
        x += width + (_COL_GAP if number < linked_layers or number in looping else _GRID_GAP)
    top = min(slot.y for layer in layers for slot in layer)
    for layer in layers:
        for slot in layer:
            slot.y += _MARGIN - top
            if isinstance(slot, _Node):
                slot.x = xs[slot.layer]
    bottom = max(slot.y + slot.height for layer in layers for slot in layer)
    last = len(layers) - 1
    loop_room = max(
        (_LOOP + (count - 1) * _LOOP_STEP for index, count in loops.items() if nodes[index].layer == last),
        default=0,
    )
    width = math.ceil(xs[last] + widths[last] + max(_MARGIN, loop_room))
    height = math.ceil(bottom + _MARGIN)

    counts = f"{_plural(len(schema.tables), 'table')}, {_plural(len(edges), 'foreign key')}"
    label = f"Entity-relationship diagram: {counts}"
    out = _svg_open(width, height, label)
    out.append(
        f'<defs><marker id="{_ARROW_ID}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        '<path class="erd-marker" d="M0,0L10,5L0,10Z"/></marker>'
        f'<marker id="{_DOT_ID}" viewBox="0 0 6 6" refX="3" refY="3" markerWidth="5" markerHeight="5" '
        'markerUnits="userSpaceOnUse"><circle class="erd-marker" cx="3" cy="3" r="3"/></marker></defs>'
    )
    # Arrows first: where one touches a box (its arrowhead, a loop), the box's text stays on top.
    out.append('<g class="erd-edges">')
    drawn_loops: dict[int, int] = {}
    for edge in edges:
        if edge.src is edge.dst:
            nth = drawn_loops.get(edge.src.id, 0)
            drawn_loops[edge.src.id] = nth + 1
            d = _loop_path(edge, nth)
        else:
            d = _edge_path(edge, xs, widths)
        out.append(
            f'<path class="erd-edge" d="{d}" data-fk="{_esc(edge.fk.name)}" '
            f'data-from="{_qualified(edge.src)}" data-to="{_qualified(edge.dst)}" '
            f'marker-start="url(#{_DOT_ID})" marker-end="url(#{_ARROW_ID})">'
            f"<title>{_esc(_edge_title(edge))}</title></path>"
        )
    out.append('</g><g class="erd-tables">')
    for node in nodes:
        _draw_node(node, link, out)
    out.append("</g></svg>")
    return "".join(out)
