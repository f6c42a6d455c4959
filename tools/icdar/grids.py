"""Reading and writing `budtab-grids/1` (shared/spec/record-format.md).

parse() turns budtab's output into scoring.Table objects: fragments linked
by `continues` become one logical table whose later fragments' rows follow
the earlier ones'. from_ground_truth() writes a ground truth the way budtab
would print it, which is how the self-check drives the scorer through the
same parsing as real output.
"""

import hashlib
import json
import math

from .scoring import Cell, Table

FORMAT = "budtab-grids/1"

# Bounds on input-driven sizes, so a broken output cannot make the scorer
# allocate without limit.
MAX_TABLES = 10000
MAX_CELLS = 200000
MAX_GRID = 10000        # rows or columns of one fragment


class GridsError(Exception):
    """The output is not valid budtab-grids/1."""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v))


def _bbox(v, where):
    if (not isinstance(v, list) or len(v) != 4
            or not all(_is_num(x) for x in v)):
        raise GridsError("%s: bbox must be [x0, y0, x1, y1] numbers" % where)
    x0, y0, x1, y1 = (float(x) for x in v)
    if x1 < x0 or y1 < y0:
        raise GridsError("%s: bbox %r has x1 < x0 or y1 < y0" % (where, v))
    return (x0, y0, x1, y1)


def _count(obj, key, where, default=None, minimum=0, maximum=MAX_GRID):
    v = obj.get(key, default)
    if not _is_int(v) or v < minimum or v > maximum:
        raise GridsError("%s: %s must be an integer in [%d, %d], got %r"
                         % (where, key, minimum, maximum, v))
    return v


def parse(text, page_count=None):
    """budtab-grids/1 JSON text -> [scoring.Table].

    Raises GridsError on anything the spec does not allow. page_count, when
    given, bounds the page numbers.
    """
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise GridsError("not JSON: %s" % e)
    if not isinstance(doc, dict):
        raise GridsError("top level is not an object")
    if doc.get("format") != FORMAT:
        raise GridsError("format is %r, not %r" % (doc.get("format"), FORMAT))
    frags = doc.get("tables")
    if not isinstance(frags, list):
        raise GridsError("tables is not a list")
    if len(frags) > MAX_TABLES:
        raise GridsError("%d tables (limit %d)" % (len(frags), MAX_TABLES))

    parsed = []
    total_cells = 0
    continued = {}
    for i, t in enumerate(frags):
        where = "tables[%d]" % i
        if not isinstance(t, dict):
            raise GridsError("%s is not an object" % where)
        page = _count(t, "page", where, minimum=1,
                      maximum=page_count or 10 ** 6)
        bbox = _bbox(t.get("bbox"), where)
        cont = t.get("continues")
        if cont is not None:
            if not _is_int(cont) or not 0 <= cont < i:
                raise GridsError("%s: continues must be null or the index of "
                                 "an earlier table, got %r" % (where, cont))
            if cont in continued:
                raise GridsError("%s: tables[%d] is already continued by "
                                 "tables[%d]" % (where, cont,
                                                 continued[cont]))
            continued[cont] = i
        cells_in = t.get("cells")
        if not isinstance(cells_in, list):
            raise GridsError("%s: cells is not a list" % where)
        total_cells += len(cells_in)
        if total_cells > MAX_CELLS:
            raise GridsError("more than %d cells" % MAX_CELLS)
        cells = []
        occupied = {}
        max_row = max_col = 0
        for k, c in enumerate(cells_in):
            cw = "%s.cells[%d]" % (where, k)
            if not isinstance(c, dict):
                raise GridsError("%s is not an object" % cw)
            row = _count(c, "row", cw)
            col = _count(c, "col", cw)
            rs = _count(c, "rowspan", cw, default=1, minimum=1)
            cs = _count(c, "colspan", cw, default=1, minimum=1)
            if row + rs > MAX_GRID or col + cs > MAX_GRID:
                raise GridsError("%s: grid larger than %d" % (cw, MAX_GRID))
            txt = c.get("text")
            if txt is not None and not isinstance(txt, str):
                raise GridsError("%s: text must be a string or null" % cw)
            box = _bbox(c["bbox"], cw) if c.get("bbox") is not None else None
            key = (row, col)
            if key in occupied:
                raise GridsError("%s: slot (%d, %d) already holds cells[%d]"
                                 % (cw, row, col, occupied[key]))
            occupied[key] = k
            cells.append((row, row + rs - 1, col, col + cs - 1, txt, box))
            max_row = max(max_row, row + rs)
            max_col = max(max_col, col + cs)
        rows = _count(t, "rows", where, default=max_row)
        cols = _count(t, "cols", where, default=max_col)
        if max_row > rows or max_col > cols:
            raise GridsError("%s: cells reach row %d / col %d beyond rows=%d "
                             "cols=%d" % (where, max_row, max_col, rows, cols))
        parsed.append((page, bbox, rows, cont, cells))

    # Chains of fragments -> logical tables.
    tables = []
    owner = {}      # fragment index -> (table, row offset of the fragment)
    for i, (page, bbox, rows, cont, cells) in enumerate(parsed):
        if cont is None:
            table = Table("found#%d" % i, [], [])
            tables.append(table)
            offset = 0
        else:
            table, prev_offset = owner[cont]
            offset = prev_offset + parsed[cont][2]
            table.label += "+%d" % i
        owner[i] = (table, offset)
        table.regions.append((page, bbox))
        for r0, r1, c0, c1, txt, box in cells:
            table.cells.append(Cell(r0 + offset, r1 + offset, c0, c1, txt,
                                    box, page))
    return tables


def _r(v):
    return round(v, 2)


def from_ground_truth(gt, page_count):
    """A GroundTruth as budtab would print it: one fragment per region,
    later regions naming the one before in `continues`, spanning cells once
    at their top-left slot, boxes in displayed page space. -> JSON text."""
    with open(gt.pdf, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    out = {"format": FORMAT,
           "source": {"file": gt.pdf, "sha256": sha, "input": "pdf",
                      "pages": page_count},
           "tables": []}
    for table in gt.tables:
        if not table.regions:
            continue
        by_region = [[] for _ in table.regions]
        for cell in table.cells:
            by_region[_region_of(table.regions, cell)].append(cell)
        col_base = min((c.col0 for c in table.cells), default=0)
        cols = max((c.col1 + 1 - col_base for c in table.cells), default=0)
        prev = None
        for (page, box), cells in zip(table.regions, by_region):
            base = min((c.row0 for c in cells), default=0)
            rows = max((c.row1 + 1 - base for c in cells), default=0)
            frag = {"page": page, "bbox": [_r(v) for v in box],
                    "rows": rows, "cols": cols,
                    # The ground truth does not say whether rules are drawn.
                    "ruled": None,
                    "continues": prev,
                    "cells": []}
            for c in sorted(cells, key=lambda c: (c.row0, c.col0)):
                frag["cells"].append({
                    "row": c.row0 - base, "col": c.col0 - col_base,
                    "rowspan": c.row1 - c.row0 + 1,
                    "colspan": c.col1 - c.col0 + 1,
                    "bbox": [_r(v) for v in c.box],
                    "text": c.text if c.text else None})
            prev = len(out["tables"])
            out["tables"].append(frag)
    return json.dumps(out, ensure_ascii=False, indent=1)


def _region_of(regions, cell):
    """Index of the region a ground-truth cell was read from: on the cell's
    page, the region nearest to the cell's centre."""
    if len(regions) == 1:
        return 0
    cx = (cell.box[0] + cell.box[2]) / 2.0
    cy = (cell.box[1] + cell.box[3]) / 2.0
    best, best_d = 0, None
    for k, (page, b) in enumerate(regions):
        if page != cell.page:
            continue
        dx = max(b[0] - cx, 0, cx - b[2])
        dy = max(b[1] - cy, 0, cy - b[3])
        d = dx * dx + dy * dy
        if best_d is None or d < best_d:
            best, best_d = k, d
    return best
