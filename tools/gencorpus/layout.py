"""Producer-independent page layout.

A document description is laid out into pages of drawing operations
(text runs, lines, filled and stroked rectangles) in PDF points with the
origin at the top left of the page as displayed.  The producers
(render_cairo, render_reportlab) only draw these operations, so a table's
cells, their text and the page each row lands on all come from one place,
and the gold (`pages` of each project) is read from the same layout.

Operations, all coordinates top-left based:
  ("text", x, baseline, string, size, gray, bold_font)
  ("rtext", cx, cy, string, size, angle_degrees, gray)   centred, rotated
  ("line", x1, y1, x2, y2, width, rgb)
  ("fill", x, y, w, h, rgb)
  ("box", x, y, w, h, width, rgb)                           stroked rectangle
"""
import re

from . import gold

A4 = (595.28, 841.89)
BLACK = (0, 0, 0)
LINE = 1.32          # line height / font size inside table cells
PADX, PADY = 3.0, 4.0
FAKE_BOLD_SHIFT = 0.3

# characters that must not begin a line
_NO_START = set("，。、；：？！）】》」』％%,.;:?!)]")

DEFAULT_LABELS = {
    "code": "项目编码",
    "name": "项目名称",
    "budget_block": ["预算规模及", "资金用途"],
    "total": "预算数",
    "fiscal": "其中：财政资金",
    "other": "其他资金",
    "schedule_block": "资金支出计划(%)",
    "goals": "绩效目标",
}

DEFAULT_STYLE = {
    "size": 9.0,
    "rules": "grid",          # grid | hrules | none
    "borders": "stroke",      # stroke | rect | cell
    "line_width": 0.5,
    "outer_width": None,      # a heavier outer frame, or None
    "fake_bold": False,       # labels, headers and captions drawn twice
    "bold_font": False,       # labels, headers and captions in a bold face
    "glyphs": False,          # every glyph placed on its own
    "letter_spacing": None,   # None | "spaces" | "gaps" (labels only)
    "vertical_level1": False,
    "merge_level1": True,
    "merge_level2": False,
    "repeat_header": False,
    "repeat_label": False,
    "header": None,
    "footer": None,
    "watermark": None,
    "white_line": False,
    "background_band": False,
    "shade_header": False,
    "labels": {},
    "caption_size": 12.0,
    "caption_align": "center",
    "para_size": 11.0,
}

PAGE_GEOMETRY = {
    "portrait": {"size": A4, "margin": (56.0, 64.0, 56.0, 64.0)},   # l t r b
    "landscape": {"size": (A4[1], A4[0]), "margin": (48.0, 52.0, 48.0, 52.0)},
}


# --------------------------------------------------------------------------
# text

def tokens(s):
    """Wrap units: runs of non-space ASCII, full-width digits and comparison
    signs stay whole, so no code, amount or target value is split."""
    return re.findall(r"[!-~０-９．％＞＜＝≥≤]+| |.", s)


def wrap(s, width, size, measure, first_indent=0.0):
    """Greedy line breaking; returns the lines (spaces at breaks dropped)."""
    lines, cur, curw = [], [], 0.0
    avail = width - first_indent
    for tok in tokens(s):
        w = measure.width(tok, size)
        if cur and curw + w > avail + 0.01 and tok != " ":
            if tok[0] in _NO_START and len(cur) > 1:
                carry = cur.pop()
                lines.append("".join(cur).rstrip())
                cur, curw = [carry], measure.width(carry, size)
            else:
                lines.append("".join(cur).rstrip())
                cur, curw = [], 0.0
            avail = width
        if not cur and tok == " ":
            continue
        if not cur and w > avail:
            # a single token wider than the line: break it by characters
            for ch in tok:
                cw = measure.width(ch, size)
                if cur and curw + cw > avail:
                    lines.append("".join(cur))
                    cur, curw, avail = [], 0.0, width
                cur.append(ch)
                curw += cw
            continue
        cur.append(tok)
        curw += w
    if cur:
        lines.append("".join(cur).rstrip())
    return lines or [""]


class Page:
    def __init__(self, w, h, rotate, orientation):
        self.w, self.h, self.rotate, self.orientation = w, h, rotate, orientation
        self.ops = []
        self.content = False


class Ink:
    """Emits text operations the way the document's producer style wants."""

    def __init__(self, measure, style):
        self.m = measure
        self.st = style

    def run(self, page, x, y, s, size, bold=False, gray=0.0):
        if not s:
            return
        bold_font = bold and self.st["bold_font"]
        shifts = [0.0, FAKE_BOLD_SHIFT] if bold and self.st["fake_bold"] else [0.0]
        for dx in shifts:
            if self.st["glyphs"]:
                cx = x + dx
                for ch in s:
                    if ch != " ":
                        page.ops.append(("text", cx, y, ch, size, gray, bold_font))
                    cx += self.m.width(ch, size)
            else:
                page.ops.append(("text", x + dx, y, s, size, gray, bold_font))
        page.content = True

    def spread(self, page, x, y, s, size, width, bold=False):
        """One label line with its glyphs spread over `width` (分散对齐)."""
        chars = [c for c in s if c != " "]
        ws = [self.m.width(c, size) for c in chars]
        gap = 0.0 if len(chars) < 2 else (width - sum(ws)) / (len(chars) - 1)
        gap = max(0.0, min(gap, 1.6 * size))
        total = sum(ws) + gap * (len(chars) - 1)
        cx = x + (width - total) / 2
        for c, w in zip(chars, ws):
            self.run(page, cx, y, c, size, bold)
            cx += w + gap


# --------------------------------------------------------------------------
# grids

class Cell:
    def __init__(self, r, c, rs, cs, paras, align="l", kind="value",
                 vertical=False):
        self.r, self.c, self.rs, self.cs = r, c, rs, cs
        self.paras = [p for p in paras if p is not None]
        self.align, self.kind, self.vertical = align, kind, vertical


class Grid:
    """Cells on a grid of column boundaries (relative to the table's left)."""

    def __init__(self, xs, nrows, cells, header_row=None, keep=1, breaks=(),
                 shade_rows=()):
        self.xs, self.nrows, self.cells = xs, nrows, cells
        self.header_row, self.keep = header_row, keep
        self.breaks, self.shade_rows = set(breaks), set(shade_rows)


class Bands:
    """Rows grouped in bands, each with its own column widths; the grid's
    columns are the union of the bands' boundaries (as in a Word table whose
    rows are split differently)."""

    SNAP = 4.0

    def __init__(self, width):
        self.width = width
        self.bounds = [0.0, width]
        self.pending = []   # (band_bounds, r, c, rs, cs, paras, align, kind, vertical)
        self.nrows = 0

    def band(self, widths):
        total = sum(widths)
        acc, b = 0.0, [0.0]
        for w in widths:
            acc += w
            b.append(round(acc * self.width / total, 2))
        out = []
        for x in b:
            near = [y for y in self.bounds if abs(y - x) <= self.SNAP]
            if near:
                out.append(near[0])
            else:
                self.bounds.append(x)
                out.append(x)
        return out

    def cell(self, bb, r, c, rs, cs, paras, align="l", kind="value",
             vertical=False):
        if isinstance(paras, str):
            paras = [paras]
        self.pending.append((bb, r, c, rs, cs, paras, align, kind, vertical))
        self.nrows = max(self.nrows, r + rs)

    def grid(self, **kw):
        xs = sorted(set(self.bounds))
        cells = []
        for bb, r, c, rs, cs, paras, align, kind, vertical in self.pending:
            c0 = xs.index(bb[c])
            c1 = xs.index(bb[c + cs])
            cells.append(Cell(r, c0, rs, c1 - c0, paras, align, kind, vertical))
        return Grid(xs, self.nrows, cells, **kw)


def schedule_slots(n):
    """Which of the value columns 1..6 each of n schedule periods covers."""
    return {1: [(1, 6)], 2: [(1, 3), (4, 3)], 3: [(1, 2), (3, 2), (5, 2)],
            4: [(1, 1), (2, 1), (3, 2), (5, 2)],
            6: [(i, 1) for i in range(1, 7)]}[n]


TOP_WIDTHS = [62, 62, 72, 60, 72, 60, 107]
IND_WIDTHS = {"level1": 62, "level2": 62, "level3": 72, "description": 132,
              "target": 60, "basis": 107, "extra": 40}


def project_grid(p, style, width):
    lab = dict(DEFAULT_LABELS)
    lab.update(style["labels"])
    lay = p.get("layout", {})
    bands = Bands(width)
    top = bands.band(lay.get("top_widths", TOP_WIDTHS))

    def label(r, c, rs, cs, text):
        bands.cell(top, r, c, rs, cs, text, "c", "label")

    def value(r, c, rs, cs, text, align="l"):
        bands.cell(top, r, c, rs, cs, [] if gold.blank(text) else [text],
                   align)

    if lay.get("top") == "name-first":
        label(0, 0, 1, 1, lab["name"])
        value(0, 1, 1, 3, p["name"])
        label(0, 4, 1, 1, lab["code"])
        value(0, 5, 1, 2, p["code"], "c")
    else:
        label(0, 0, 1, 1, lab["code"])
        value(0, 1, 1, 2, p["code"], "c")
        label(0, 3, 1, 1, lab["name"])
        value(0, 4, 1, 3, p["name"])
    b = p["budget"]
    label(1, 0, 2, 1, lab["budget_block"])
    label(1, 1, 1, 1, lab["total"])
    value(1, 2, 1, 1, b.get("total"), "c")
    label(1, 3, 1, 1, lab["fiscal"])
    value(1, 4, 1, 1, b.get("fiscal"), "c")
    label(1, 5, 1, 1, lab["other"])
    value(1, 6, 1, 1, b.get("other"), "c")
    value(2, 1, 1, 6, p.get("purpose"))
    label(3, 0, 2, 1, lab["schedule_block"])
    for (c, cs), (period, pct) in zip(schedule_slots(len(p["schedule"])),
                                      p["schedule"]):
        bands.cell(top, 3, c, 1, cs, period, "c", "period")
        value(4, c, 1, cs, pct, "c")
    label(5, 0, 1, 1, lab["goals"])
    bands.cell(top, 5, 1, 1, 6, [g for g in p["goals"] if not gold.blank(g)])

    columns = p.get("columns", gold.STANDARD_COLUMNS)
    ind = bands.band([c.get("w", IND_WIDTHS[c["field"]]) for c in columns])
    hr = 6
    for i, col in enumerate(columns):
        bands.cell(ind, hr, i, 1, 1, col["header"], "c", "head")
    rows = p["indicators"]
    first = hr + 1
    fields = [c["field"] for c in columns]
    lvl1 = fields.index("level1") if "level1" in fields else None
    for i, col in enumerate(columns):
        f = col["field"]
        merge = ((f == "level1" and style["merge_level1"]) or
                 (f == "level2" and style["merge_level2"]))
        align = "l" if f in ("description", "basis") else "c"
        vertical = f == "level1" and style["vertical_level1"]
        r = 0
        while r < len(rows):
            n = 1
            if merge:
                while (r + n < len(rows) and rows[r + n][i] == rows[r][i] and
                       (f == "level1" or lvl1 is None or
                        rows[r + n][lvl1] == rows[r][lvl1])):
                    n += 1
            text = rows[r][i]
            bands.cell(ind, first + r, i, n, 1,
                       [] if gold.blank(text) else [text], align,
                       "value", vertical)
            r += n
    breaks = [first + k for k in lay.get("break_after", [])]
    return bands.grid(header_row=hr, keep=first + 1, breaks=breaks,
                      shade_rows=[hr] if style["shade_header"] else [])


def generic_grid(t, width):
    """A plain table (收支总表, 政府采购表 ...): rows of cell specs placed
    left to right around earlier row spans, like an HTML table."""
    bands = Bands(width)
    bb = bands.band(t["widths"])
    taken = set()
    nh = t.get("header_rows", 1)
    for r, row in enumerate(t["rows"]):
        c = 0
        for spec in row:
            if isinstance(spec, str):
                spec = {"t": spec}
            while (r, c) in taken:
                c += 1
            rs, cs = spec.get("rs", 1), spec.get("cs", 1)
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            text = spec.get("t", "")
            if r < nh:
                align, kind = "c", "head"
            elif re.fullmatch(r"[-\d,.]+", text or ""):
                align, kind = "r", "value"
            else:
                align, kind = spec.get("align", "l"), "value"
            bands.cell(bb, r, c, rs, cs, [text] if text else [], align, kind)
            c += cs
    return bands.grid(header_row=nh - 1 if t.get("repeat_header") else None,
                      keep=nh + 1)


# --------------------------------------------------------------------------
# the flow of a document

class Layout:
    def __init__(self, doc, measure):
        self.doc = doc
        self.m = measure
        self.st = dict(DEFAULT_STYLE)
        self.st.update(doc.get("style", {}))
        self.ink = Ink(measure, self.st)
        pg = doc.get("page", {})
        self.orientation = pg.get("orientation", "portrait")
        self.rotate = pg.get("rotate", 0)
        self.pages = []
        self.page = None
        self.project_pages = []
        self.anchors = {}        # block id -> printed page number
        self.toc_numbers = {}

    # pages ------------------------------------------------------------
    def geometry(self):
        g = PAGE_GEOMETRY[self.orientation]
        return g["size"], g["margin"]

    def new_page(self):
        (w, h), (ml, mt, mr, mb) = self.geometry()
        self.page = Page(w, h, self.rotate, self.orientation)
        self.pages.append(self.page)
        self.left, self.right = ml, w - mr
        self.top, self.bottom = mt, h - mb
        self.y = self.top
        if self.st["background_band"]:
            # a pale band crossing the whole page, under everything
            self.page.ops.append(("fill", 0, h * 0.42, w, 46, (0.93, 0.96, 1.0)))

    def ensure_page(self):
        if self.page is None:
            self.new_page()

    def room(self, h):
        self.ensure_page()
        if self.y + h > self.bottom and self.page.content:
            self.new_page()

    def printed_number(self, index):
        f = self.st["footer"]
        if not f:
            return index + 1
        return index + 1 - f.get("from_page", 1) + 1

    # blocks -----------------------------------------------------------
    def run(self):
        for block in self.doc["blocks"]:
            getattr(self, "block_" + block["type"])(block)
        self.decorate()
        return self.pages

    def block_pagebreak(self, b):
        if "orientation" in b:
            self.orientation = b["orientation"]
            self.rotate = b.get("rotate", 0)
        self.new_page()

    def block_cover(self, b):
        if self.page is not None and self.page.content:
            self.new_page()
        self.ensure_page()
        width = self.right - self.left
        y = self.page.h * 0.30
        size = b.get("size", 22.0)
        for line in wrap(b["title"], width - 40, size, self.m):
            self.centered(line, y, size, bold=True)
            y += size * 1.6
        y = self.page.h * 0.62
        for line in b.get("lines", []):
            self.centered(line, y, 14.0)
            y += 14.0 * 2.2
        self.page.content = True
        self.page = None

    def centered(self, s, y, size, bold=False):
        w = self.m.width(s, size)
        self.ink.run(self.page, (self.page.w - w) / 2, y, s, size, bold)

    def block_heading(self, b):
        self.ensure_page()
        size = b.get("size", 14.0)
        lines = wrap(b["text"], self.right - self.left, size, self.m)
        gap = 0 if self.page is None or self.y == self.top else size * 0.8
        self.room(gap + len(lines) * size * 1.7)
        if self.y > self.top:
            self.y += gap
        if "id" in b:
            self.anchors[b["id"]] = self.printed_number(len(self.pages) - 1)
        for line in lines:
            self.y += size * 1.7
            if b.get("align", "left") == "center":
                self.centered(line, self.y - size * 0.45, size, bold=True)
            else:
                self.ink.run(self.page, self.left, self.y - size * 0.45, line,
                             size, bold=True)

    def block_para(self, b):
        self.ensure_page()
        size = b.get("size", self.st["para_size"])
        lh = size * 1.75
        indent = b.get("indent", 2) * size
        for line_no, line in enumerate(
                wrap(b["text"], self.right - self.left, size, self.m,
                     first_indent=indent)):
            self.room(lh)
            self.y += lh
            x = self.left + (indent if line_no == 0 else 0)
            self.ink.run(self.page, x, self.y - size * 0.5, line, size)

    def block_toc(self, b):
        self.block_heading({"text": b.get("title", "目 录"), "size": 16.0,
                            "align": "center"})
        self.y += 10
        size = 12.0
        lh = size * 2.0
        for e in b["entries"]:
            indent = e.get("indent", 0) * size
            number = ""
            if e.get("ref") is not None:
                number = str(self.toc_numbers.get(e["ref"], 0))
            width = self.right - self.left - indent - 30
            lines = wrap(e["text"], width, size, self.m)
            for i, line in enumerate(lines):
                self.room(lh)
                self.y += lh
                self.ink.run(self.page, self.left + indent, self.y - size * 0.5,
                             line, size)
                if i == len(lines) - 1 and number:
                    w = self.m.width(number, size)
                    self.ink.run(self.page, self.right - w, self.y - size * 0.5,
                                 number, size)

    def caption_lines(self, caption, width):
        if caption is None:
            return []
        return wrap(caption, width - 20, self.st["caption_size"], self.m)

    def block_project(self, b):
        self.ensure_page()
        if b.get("break_before") and self.page.content:
            self.new_page()
        width = b.get("width", self.right - self.left)
        grid = project_grid(b, self.st, width)
        pages = self.table(b, grid, width)
        self.project_pages.append(pages)
        if "id" in b:
            self.anchors[b["id"]] = self.printed_number(pages[0] - 1)

    def block_table(self, b):
        self.ensure_page()
        if b.get("break_before") and self.page.content:
            self.new_page()
        width = b.get("width", self.right - self.left)
        self.table(b, generic_grid(b, width), width)

    def block_spacer(self, b):
        self.y += b.get("h", 12)

    # tables -----------------------------------------------------------
    def cell_lines(self, cell, width):
        size = self.st["size"]
        inner = width - 2 * PADX
        if cell.vertical:
            return [ch for p in cell.paras for ch in p if ch != " "]
        out = []
        for p in cell.paras:
            if cell.kind in ("label", "head") and self.st["letter_spacing"] == "spaces":
                p = " ".join(ch for ch in p if ch != " ")
            out.extend(wrap(p, inner, size, self.m))
        return out

    def row_heights(self, grid):
        size = self.st["size"]
        lh = size * LINE
        hmin = lh + 2 * PADY
        hs = [hmin] * grid.nrows
        for cell in sorted(grid.cells, key=lambda c: c.rs):
            w = grid.xs[cell.c + cell.cs] - grid.xs[cell.c]
            n = len(self.cell_lines(cell, w))
            step = size * 1.12 if cell.vertical else lh
            need = n * step + 2 * PADY
            have = sum(hs[cell.r:cell.r + cell.rs])
            if need > have:
                for r in range(cell.r, cell.r + cell.rs):
                    hs[r] += (need - have) / cell.rs
        return hs

    def table(self, b, grid, width):
        st = self.st
        size = st["size"]
        hs = self.row_heights(grid)
        cap = self.caption_lines(b.get("caption"), width)
        csize = st["caption_size"]
        head_h = len(cap) * csize * 1.6 + (size * 2.0 if b.get("unit") else 0) + 6
        keep_h = head_h + sum(hs[:grid.keep])
        gap = 16.0 if self.y > self.top else 0.0
        self.room(gap + keep_h)
        if self.y > self.top:
            self.y += gap
        left = self.left + (self.right - self.left - width) / 2
        for line in cap:
            self.y += csize * 1.6
            w = self.m.width(line, csize)
            x = left if st["caption_align"] == "left" else left + (width - w) / 2
            self.ink.run(self.page, x, self.y - csize * 0.4, line, csize,
                         bold=True)
        if b.get("unit"):
            self.y += size * 2.0
            self.ink.run(self.page, left, self.y - size * 0.6, b["unit"], size)
        self.y += 6

        # rows onto pages: fragments of (page, first row, end row, row tops)
        frags = []
        start, tops, header_copy = 0, {}, None
        for r in range(grid.nrows):
            broke = r in grid.breaks or (self.y + hs[r] > self.bottom and r > start)
            if broke:
                frags.append((self.page, start, r, tops, header_copy))
                self.new_page()
                start, tops, header_copy = r, {}, None
                if (st["repeat_header"] and grid.header_row is not None and
                        r > grid.header_row):
                    header_copy = self.y
                    self.y += hs[grid.header_row]
            tops[r] = self.y
            self.y += hs[r]
        frags.append((self.page, start, grid.nrows, tops, header_copy))

        pages = []
        for page, a, e, tops, hc in frags:
            pages.append(self.pages.index(page) + 1)
            self.draw_fragment(page, grid, hs, left, a, e, tops, hc)
        return pages

    def draw_fragment(self, page, grid, hs, left, a, e, tops, header_copy):
        st = self.st
        rects = []       # (x0, y0, x1, y1)
        texts = []       # (cell, x0, y0, x1, y1)
        if header_copy is not None:
            y = header_copy
            for c in grid.cells:
                if c.r == grid.header_row:
                    box = (left + grid.xs[c.c], y, left + grid.xs[c.c + c.cs],
                           y + hs[grid.header_row])
                    rects.append(box)
                    texts.append((c,) + box)
        for c in grid.cells:
            r0, r1 = max(c.r, a), min(c.r + c.rs, e)
            if r0 >= r1:
                continue
            box = (left + grid.xs[c.c], tops[r0], left + grid.xs[c.c + c.cs],
                   tops[r1 - 1] + hs[r1 - 1])
            rects.append(box)
            if c.r >= a or st["repeat_label"]:
                texts.append((c,) + box)
        shaded = [r for r in grid.shade_rows if a <= r < e]
        if header_copy is not None and grid.header_row in grid.shade_rows:
            shaded.append(None)
        for r in shaded:
            y = header_copy if r is None else tops[r]
            h = hs[grid.header_row if r is None else r]
            page.ops.append(("fill", left, y, grid.xs[-1], h, (0.86, 0.86, 0.86)))
        self.rules(page, rects)
        if st["white_line"]:
            x = left + grid.xs[-1] * 0.58
            y0 = min(r[1] for r in rects) - 10
            y1 = max(r[3] for r in rects) + 10
            page.ops.append(("line", x, y0, x, y1, 1.2, (1, 1, 1)))
            ym = (y0 + y1) / 2
            page.ops.append(("line", left - 10, ym, left + grid.xs[-1] + 10, ym,
                             0.8, (1, 1, 1)))
        for c, x0, y0, x1, y1 in texts:
            self.cell_text(page, c, x0, y0, x1, y1)

    def rules(self, page, rects):
        st = self.st
        lw = st["line_width"]
        if st["rules"] == "none":
            return
        if st["borders"] == "cell" and st["rules"] == "grid":
            d = lw * 0.6
            for x0, y0, x1, y1 in rects:
                page.ops.append(("box", x0 + d, y0 + d, x1 - x0 - 2 * d,
                                 y1 - y0 - 2 * d, lw * 0.8, BLACK))
            return
        hseg, vseg = {}, {}
        for x0, y0, x1, y1 in rects:
            for y in (y0, y1):
                hseg.setdefault(round(y, 2), []).append((x0, x1))
            for x in (x0, x1):
                vseg.setdefault(round(x, 2), []).append((y0, y1))
        segs = []
        for y, iv in sorted(hseg.items()):
            for s, t in merge(iv):
                segs.append((s, y, t, y))
        if st["rules"] == "grid":
            for x, iv in sorted(vseg.items()):
                for s, t in merge(iv):
                    segs.append((x, s, x, t))
        bx0 = min(r[0] for r in rects)
        bx1 = max(r[2] for r in rects)
        by0 = min(r[1] for r in rects)
        by1 = max(r[3] for r in rects)
        for x0, y0, x1, y1 in segs:
            w = lw
            if st["outer_width"] and (
                    (y0 == y1 and (abs(y0 - by0) < 0.01 or abs(y0 - by1) < 0.01)) or
                    (x0 == x1 and (abs(x0 - bx0) < 0.01 or abs(x0 - bx1) < 0.01))):
                w = st["outer_width"]
            if st["borders"] == "rect":
                if y0 == y1:
                    page.ops.append(("fill", x0 - w / 2, y0 - w / 2,
                                     x1 - x0 + w, w, BLACK))
                else:
                    page.ops.append(("fill", x0 - w / 2, y0 - w / 2, w,
                                     y1 - y0 + w, BLACK))
            else:
                page.ops.append(("line", x0, y0, x1, y1, w, BLACK))

    def cell_text(self, page, c, x0, y0, x1, y1):
        st = self.st
        size = st["size"]
        lines = self.cell_lines(c, x1 - x0)
        if not lines or lines == [""]:
            return
        bold = c.kind in ("label", "head")
        if c.vertical:
            step = size * 1.12
            y = (y0 + y1) / 2 - len(lines) * step / 2
            for ch in lines:
                y += step
                w = self.m.width(ch, size)
                self.ink.run(page, (x0 + x1 - w) / 2, y - step * 0.2, ch, size,
                             bold)
            return
        lh = size * LINE
        y = (y0 + y1) / 2 - len(lines) * lh / 2
        for line in lines:
            y += lh
            base = y - lh * 0.27
            if bold and st["letter_spacing"] == "gaps" and len(lines) == 1:
                self.ink.spread(page, x0 + PADX, base, line, size,
                                x1 - x0 - 2 * PADX, bold)
                continue
            w = self.m.width(line, size)
            if c.align == "c":
                x = (x0 + x1 - w) / 2
            elif c.align == "r":
                x = x1 - PADX - w
            else:
                x = x0 + PADX
            self.ink.run(page, x, base, line, size, bold)

    # page furniture ---------------------------------------------------
    def decorate(self):
        st = self.st
        n = len(self.pages)
        for i, page in enumerate(self.pages):
            h = st["header"]
            if h and i + 1 >= h.get("from_page", 1):
                y = 34.0
                ml, _, mr, _ = PAGE_GEOMETRY[page.orientation]["margin"]
                self.ink.run(page, ml, y, h.get("left", ""), 9.0)
                if h.get("right"):
                    w = self.m.width(h["right"], 9.0)
                    self.ink.run(page, page.w - mr - w, y, h["right"], 9.0)
                if h.get("rule"):
                    page.ops.append(("line", 48.0, y + 5, page.w - 48.0, y + 5,
                                     0.4, (0.3, 0.3, 0.3)))
            f = st["footer"]
            if f and i + 1 >= f.get("from_page", 1):
                s = f["format"].format(n=self.printed_number(i),
                                       total=n - f.get("from_page", 1) + 1)
                w = self.m.width(s, 9.0)
                self.ink.run(page, (page.w - w) / 2, page.h - 30.0, s, 9.0)
            wm = st["watermark"]
            if wm:
                page.ops.append(("rtext", page.w / 2, page.h / 2, wm["text"],
                                 wm.get("size", 54.0), wm.get("angle", 35.0),
                                 wm.get("gray", 0.82)))


def merge(intervals):
    out = []
    for s, t in sorted(intervals):
        if out and s <= out[-1][1] + 0.01:
            out[-1][1] = max(out[-1][1], t)
        else:
            out.append([s, t])
    return out


def lay_out(doc, measure):
    """Pages, and for each project block the 1-based pages it spans.

    Laid out twice: the first pass finds the page of every anchored block,
    the second prints those numbers in the table of contents (its size does
    not depend on them, so the pages stay the same)."""
    first = Layout(doc, measure)
    first.run()
    second = Layout(doc, measure)
    second.toc_numbers = first.anchors
    pages = second.run()
    assert second.project_pages == first.project_pages
    return pages, second.project_pages
