"""The ICDAR 2013 table competition measures (Goebel et al. 2013).

Both sides -- ground truth and budtab's output -- are brought to the same
shape first: a Table has regions (page, box in displayed page space) and
cells on one logical grid (rows of later pages follow those of earlier
ones). Everything here is pure computation on that shape.

Detection: a found region is correct when it lies on the same page as a
ground-truth region with intersection over union >= 0.5 (one-to-one,
greedy by IoU). Completeness and purity as in the competition, with the
PDF's words as the sub-objects: a matched region is complete when it holds
every word of the ground-truth region, pure when it holds no other word.

Structure: for every non-empty cell, its nearest non-empty neighbour to the
right in the same row and below in the same column, one relation per row
(column) a spanning cell covers; each relation is (content, content,
direction), content folded by NFKC with all white space removed. Found and
expected relations are compared as multisets between tables matched by
region overlap; unmatched tables contribute all their relations to the
denominators.
"""

import bisect
import collections
import unicodedata

DETECTION_IOU = 0.5


def normalize(text):
    """Content as compared: Unicode NFKC, all white space removed."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", text).split())


class Cell:
    __slots__ = ("row0", "row1", "col0", "col1", "text", "box", "page")

    def __init__(self, row0, row1, col0, col1, text, box=None, page=None):
        self.row0, self.row1 = row0, row1
        self.col0, self.col1 = col0, col1
        self.text = text
        self.box = box
        self.page = page

    def __repr__(self):
        return "Cell(%d-%d, %d-%d, %r)" % (self.row0, self.row1, self.col0,
                                           self.col1, self.text)


class Table:
    """regions: [(page, (x0, y0, x1, y1))]; cells on the logical grid;
    label names the table in reports."""

    def __init__(self, label, regions, cells):
        self.label = label
        self.regions = regions
        self.cells = cells
        self._relations = None

    @property
    def relations(self):
        if self._relations is None:
            self._relations = relations(self.cells)
        return self._relations


def area(box):
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def intersection(a, b):
    return area((max(a[0], b[0]), max(a[1], b[1]),
                 min(a[2], b[2]), min(a[3], b[3])))


def iou(a, b):
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def table_iou(a, b):
    """Overlap of two tables that may span pages: the summed intersection of
    their same-page regions over the union of their total areas."""
    inter = 0.0
    for pa, ba in a.regions:
        for pb, bb in b.regions:
            if pa == pb:
                inter += intersection(ba, bb)
    union = (sum(area(r[1]) for r in a.regions)
             + sum(area(r[1]) for r in b.regions) - inter)
    return inter / union if union > 0 else 0.0


def greedy_match(pairs):
    """pairs: [(score, i, j)] -> {i: (j, score)}, one-to-one, best first."""
    used_i, used_j, out = set(), set(), {}
    for score, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        out[i] = (j, score)
    return out


def relations(cells):
    """The adjacency relations of a table as a Counter of
    (content, content, 'right'|'below')."""
    keep = [c for c in cells if normalize(c.text)]
    by_row = collections.defaultdict(list)
    by_col = collections.defaultdict(list)
    for idx, c in enumerate(keep):
        for r in range(c.row0, c.row1 + 1):
            by_row[r].append((c.col0, idx))
        for k in range(c.col0, c.col1 + 1):
            by_col[k].append((c.row0, idx))
    for lst in list(by_row.values()) + list(by_col.values()):
        lst.sort()
    pairs = set()
    for idx, c in enumerate(keep):
        for r in range(c.row0, c.row1 + 1):
            j = _next_after(by_row[r], c.col1, idx)
            if j is not None:
                pairs.add((idx, j, "right"))
        for k in range(c.col0, c.col1 + 1):
            j = _next_after(by_col[k], c.row1, idx)
            if j is not None:
                pairs.add((idx, j, "below"))
    out = collections.Counter()
    for i, j, d in pairs:
        out[(normalize(keep[i].text), normalize(keep[j].text), d)] += 1
    return out


def _next_after(lst, pos, own):
    k = bisect.bisect_right(lst, (pos, float("inf")))
    while k < len(lst):
        if lst[k][1] != own:
            return lst[k][1]
        k += 1
    return None


def ratio(num, den, empty):
    """num / den, or empty when den is 0 (callers say what a measure over
    nothing is worth)."""
    return num / den if den else empty


def f1(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


class Counts:
    """Additive counts; precision/recall/F1 derive from them so that totals
    are micro-averages."""

    FIELDS = ("gt_tables", "found_tables", "matched_tables",
              "gt_regions", "found_regions", "matched_regions",
              "complete", "pure",
              "rel_correct", "rel_found", "rel_expected")

    def __init__(self, **kw):
        for f in self.FIELDS:
            setattr(self, f, kw.get(f, 0))

    def add(self, other):
        for f in self.FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))

    @property
    def det_p(self):
        return ratio(self.matched_regions, self.found_regions,
                     1.0 if self.gt_regions == 0 else 0.0)

    @property
    def det_r(self):
        return ratio(self.matched_regions, self.gt_regions,
                     1.0 if self.found_regions == 0 else 0.0)

    @property
    def det_f1(self):
        return f1(self.det_p, self.det_r)

    @property
    def str_p(self):
        return ratio(self.rel_correct, self.rel_found,
                     1.0 if self.rel_expected == 0 else 0.0)

    @property
    def str_r(self):
        return ratio(self.rel_correct, self.rel_expected,
                     1.0 if self.rel_found == 0 else 0.0)

    @property
    def str_f1(self):
        return f1(self.str_p, self.str_r)

    def as_dict(self):
        d = {f: getattr(self, f) for f in self.FIELDS}
        for k in ("det_p", "det_r", "det_f1", "str_p", "str_r", "str_f1"):
            d[k] = round(getattr(self, k), 6)
        return d


def _words_in(box, words):
    out = set()
    for i, (wb, _text) in enumerate(words):
        cx, cy = (wb[0] + wb[2]) / 2.0, (wb[1] + wb[3]) / 2.0
        if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
            out.add(i)
    return out


def score(gt_tables, found_tables, words=None):
    """Score found tables against ground truth tables of one document.

    words: {page: [(box, text)]} in displayed space, for completeness and
    purity (None skips them). Returns (Counts, details dict).
    """
    c = Counts(gt_tables=len(gt_tables), found_tables=len(found_tables))

    # Region detection.
    gt_regs = [(ti, p, b) for ti, t in enumerate(gt_tables)
               for p, b in t.regions]
    fd_regs = [(ti, p, b) for ti, t in enumerate(found_tables)
               for p, b in t.regions]
    c.gt_regions, c.found_regions = len(gt_regs), len(fd_regs)
    pairs = []
    for gi, (_, gp, gb) in enumerate(gt_regs):
        for fi, (_, fp, fb) in enumerate(fd_regs):
            if gp == fp:
                v = iou(gb, fb)
                if v >= DETECTION_IOU:
                    pairs.append((v, gi, fi))
    reg_match = greedy_match(pairs)
    c.matched_regions = len(reg_match)
    region_details = []
    for gi, (gt_ti, gp, gb) in enumerate(gt_regs):
        m = reg_match.get(gi)
        entry = {"gt_table": gt_tables[gt_ti].label, "page": gp,
                 "bbox": [round(v, 2) for v in gb], "found": None}
        if m is not None:
            fi, v = m
            fb = fd_regs[fi][2]
            entry["found"] = {"table": found_tables[fd_regs[fi][0]].label,
                              "bbox": [round(x, 2) for x in fb],
                              "iou": round(v, 4)}
            if words is not None:
                page_words = words.get(gp, [])
                inside_gt = _words_in(gb, page_words)
                inside_fd = _words_in(fb, page_words)
                complete = inside_gt <= inside_fd
                pure = inside_fd <= inside_gt
                c.complete += complete
                c.pure += pure
                entry["found"]["complete"] = complete
                entry["found"]["pure"] = pure
        region_details.append(entry)

    # Structure: tables matched by overlap, relations as multisets.
    pairs = []
    for gi, gt in enumerate(gt_tables):
        for fi, ft in enumerate(found_tables):
            v = table_iou(gt, ft)
            if v > 0:
                pairs.append((v, gi, fi))
    tab_match = greedy_match(pairs)
    c.matched_tables = len(tab_match)
    table_details = []
    matched_found = set()
    for gi, gt in enumerate(gt_tables):
        exp = gt.relations
        c.rel_expected += sum(exp.values())
        entry = {"gt_table": gt.label, "expected": sum(exp.values()),
                 "found_table": None}
        m = tab_match.get(gi)
        if m is None:
            entry["missing"] = sorted(exp.elements())
        else:
            fi, v = m
            matched_found.add(fi)
            got = found_tables[fi].relations
            ok = exp & got
            c.rel_correct += sum(ok.values())
            entry.update({"found_table": found_tables[fi].label,
                          "iou": round(v, 4),
                          "found": sum(got.values()),
                          "correct": sum(ok.values()),
                          "missing": sorted((exp - got).elements()),
                          "extra": sorted((got - exp).elements())})
        table_details.append(entry)
    unmatched = []
    for fi, ft in enumerate(found_tables):
        n = sum(ft.relations.values())
        c.rel_found += n
        if fi not in matched_found:
            unmatched.append({"found_table": ft.label, "relations": n,
                              "regions": [[p, [round(v, 2) for v in b]]
                                          for p, b in ft.regions]})
    return c, {"regions": region_details, "tables": table_details,
               "unmatched_found": unmatched}
