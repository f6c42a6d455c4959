"""ICDAR 2013 ground truth: NAME-reg.xml (table regions) and NAME-str.xml
(cells), brought into displayed page space.

The competition's files give boxes with the origin at the page's bottom
left; nominally that is unrotated PDF user space. On rotated pages the
published files do not follow it: on eu-015 (/Rotate 90) the cells of
-str.xml are in the displayed frame with y flipped by the unrotated page
height, and the regions of -reg.xml in the displayed frame with y flipped
by the displayed height. So on every page where the frames differ
(rotation, or a crop box off the origin) the frame is not assumed but
measured: the str boxes take the frame in which the PDF's own words
(pdftotext -bbox) fall inside the cells whose content they are, and each
reg box the frame in which it best covers its table's cells. Unrotated
pages with the crop box at the origin need no choice: all frames agree.

Logical coordinates: a cell's row is start-row + the region's
row-increment (column likewise); end-row/end-col default to the start.
A table may have several regions (one per page it spans).
"""

import os
import re
import xml.etree.ElementTree as ET

from . import scoring
from .scoring import Cell, Table, normalize


class GroundTruthError(Exception):
    pass


def _norm(box):
    x0, y0, x1, y1 = box
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _frame_user(page, box):
    return page.user_box_to_display(box)


def _frame_display(page, box):
    h = page.display_size[1]
    return _norm((box[0], h - box[1], box[2], h - box[3]))


def _frame_display_unrotated_height(page, box):
    h = page.crop_height
    return _norm((box[0], h - box[1], box[2], h - box[3]))


# Name -> conversion of a bottom-left box into displayed top-left space.
# The first is the nominal convention and wins ties.
FRAMES = {
    "user": _frame_user,
    "display": _frame_display,
    "display-x/unrotated-height": _frame_display_unrotated_height,
}

TEXT_TOLERANCE = 3.0   # points a word's centre may lie outside its cell box


class RawCell:
    def __init__(self, row0, row1, col0, col1, box, text):
        self.row0, self.row1, self.col0, self.col1 = row0, row1, col0, col1
        self.box = box     # as in the file: x0, y0, x1, y1, bottom-up
        self.text = text


class RawRegion:
    def __init__(self, table_id, region_id, page):
        self.table_id = table_id
        self.region_id = region_id
        self.page = page
        self.cells = []
        self.box = None    # from -reg.xml


def _int(el, name, default=None):
    v = el.get(name)
    if v is None or v.strip() == "":
        if default is None:
            raise GroundTruthError("<%s> lacks %s" % (el.tag, name))
        return default
    try:
        return int(v)
    except ValueError:
        raise GroundTruthError("<%s %s=%r> is not an integer"
                               % (el.tag, name, v))


def _bbox(el):
    bb = el.find("bounding-box")
    if bb is None:
        raise GroundTruthError("<%s> lacks a bounding-box" % el.tag)
    try:
        return tuple(float(bb.get(k)) for k in ("x1", "y1", "x2", "y2"))
    except (TypeError, ValueError):
        raise GroundTruthError("bad bounding-box %r" % bb.attrib)


def _cell_text(content):
    """Joins the lines of a cell as budtab does: one space between Latin
    lines, none between two CJK characters."""
    lines = [ln.strip() for ln in (content or "").splitlines()]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and not (_is_cjk(out[-1]) and _is_cjk(ln[0])):
            out += " "
        out += ln
    return out


def _is_cjk(ch):
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF)


def parse_str(path):
    """-> [(table id, [RawRegion])] in file order."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise GroundTruthError("%s: %s" % (path, e))
    tables = []
    for t in root.iter("table"):
        tid = t.get("id")
        regions = []
        for r in t.findall("region"):
            reg = RawRegion(tid, r.get("id"), _int(r, "page"))
            ri = _int(r, "row-increment", 0)
            ci = _int(r, "col-increment", 0)
            for c in r.findall("cell"):
                sr, sc = _int(c, "start-row"), _int(c, "start-col")
                er, ec = _int(c, "end-row", sr), _int(c, "end-col", sc)
                if er < sr or ec < sc:
                    raise GroundTruthError(
                        "%s: table %s: cell ends before it starts (%s)"
                        % (path, tid, c.attrib))
                reg.cells.append(RawCell(sr + ri, er + ri, sc + ci, ec + ci,
                                         _bbox(c),
                                         _cell_text(c.findtext("content"))))
            regions.append(reg)
        tables.append((tid, regions))
    return tables


def parse_reg(path):
    """-> [(table id, region id, page, box)] in file order."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise GroundTruthError("%s: %s" % (path, e))
    out = []
    for t in root.iter("table"):
        for r in t.findall("region"):
            out.append((t.get("id"), r.get("id"), _int(r, "page"), _bbox(r)))
    return out


def _aligned_cells(page, cells, frame, words):
    """How many cells, converted with frame, hold a word of their content."""
    conv = FRAMES[frame]
    n = 0
    for c in cells:
        content = normalize(c.text)
        if not content:
            continue
        b = conv(page, c.box)
        t = TEXT_TOLERANCE
        for wb, wt in words:
            cx, cy = (wb[0] + wb[2]) / 2.0, (wb[1] + wb[3]) / 2.0
            w = normalize(wt)
            if (w and w in content and b[0] - t <= cx <= b[2] + t
                    and b[1] - t <= cy <= b[3] + t):
                n += 1
                break
    return n


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


class GroundTruth:
    """One ground-truth file pair, in displayed page space.

    tables: [scoring.Table] (cells carry displayed boxes); regions of a
    table in page order. notes: what was decided about frames.
    """

    def __init__(self, name, pdf, tables, notes, alignment):
        self.name = name
        self.pdf = pdf
        self.tables = tables
        self.notes = notes
        self.alignment = alignment   # (cells aligned, cells with text)


def load(name, str_path, reg_path, pdf, pages, words):
    """Read one ground truth; pages from pdf.read_pages, words from
    pdf.read_words (both of the document's PDF)."""
    raw_tables = parse_str(str_path)
    reg_entries = parse_reg(reg_path) if os.path.exists(reg_path) else []
    notes = []

    for tid, regions in raw_tables:
        for r in regions:
            if r.page not in pages:
                raise GroundTruthError("%s: table %s on page %d, but the PDF "
                                       "has %d pages" % (os.path.basename(
                                           str_path), tid, r.page,
                                           len(pages)))

    # The frame of the cell boxes, page by page.
    str_frame = {}
    cells_by_page = {}
    for _tid, regions in raw_tables:
        for r in regions:
            cells_by_page.setdefault(r.page, []).extend(r.cells)
    aligned_total = [0, 0]
    for pno, cells in sorted(cells_by_page.items()):
        page = pages[pno]
        page_words = words.get(pno, [])
        with_text = sum(1 for c in cells if normalize(c.text))
        scores = {f: _aligned_cells(page, cells, f, page_words)
                  for f in (FRAMES if page.differs_from_plain()
                            else ["user"])}
        best = max(scores, key=lambda f: (scores[f], f == "user"))
        str_frame[pno] = best
        aligned_total[0] += scores[best]
        aligned_total[1] += with_text
        if page.differs_from_plain():
            notes.append("%s page %d (rot %d, crop %s): cell boxes read in "
                         "frame '%s' (text aligned %s)" % (
                             name, pno, page.rot,
                             ",".join("%g" % v for v in page.crop), best,
                             ", ".join("%s %d/%d" % (f, scores[f], with_text)
                                       for f in scores)))

    # Regions from -reg.xml, matched by table id and region id (or page).
    reg_by_key = {}
    for tid, rid, pno, box in reg_entries:
        reg_by_key.setdefault((tid, rid), []).append((pno, box))
    used = set()

    tables = []
    by_id = {}
    for tid, regions in raw_tables:
        cells, tregions = [], []
        for r in regions:
            page = pages[r.page]
            conv = FRAMES[str_frame.get(r.page, "user")]
            dcells = [Cell(c.row0, c.row1, c.col0, c.col1, c.text,
                           conv(page, c.box), r.page) for c in r.cells]
            cells.extend(dcells)
            rbox = _take_region(reg_by_key, used, tid, r.region_id, r.page)
            if rbox is None:
                if not dcells:
                    continue
                dbox = _union([c.box for c in dcells])
                notes.append("%s table %s page %d: no region in -reg.xml, "
                             "using the cells' union" % (name, tid, r.page))
            elif not page.differs_from_plain():
                dbox = FRAMES["user"](page, rbox)
            else:
                dbox, frame = _region_frame(page, rbox, dcells,
                                            str_frame.get(r.page, "user"))
                notes.append("%s table %s page %d: region read in frame '%s'"
                             % (name, tid, r.page, frame))
            tregions.append((r.page, dbox))
        table = Table("%s#%s" % (name, tid), tregions, cells)
        tables.append(table)
        by_id[tid] = table

    # Regions that -str.xml has no cells for still count for detection.
    for (tid, rid), lst in sorted(reg_by_key.items()):
        for k, (pno, box) in enumerate(lst):
            if (tid, rid, k) in used:
                continue
            if pno not in pages:
                raise GroundTruthError("%s: region on page %d, but the PDF "
                                       "has %d pages" % (os.path.basename(
                                           reg_path), pno, len(pages)))
            frame = str_frame.get(pno, "user")
            dbox = FRAMES[frame](pages[pno], box)
            table = by_id.get(tid)
            if table is None:
                table = by_id[tid] = Table("%s#%s" % (name, tid), [], [])
                tables.append(table)
            table.regions.append((pno, dbox))
            table.regions.sort(key=lambda reg: reg[0])
            notes.append("%s table %s page %d: region without cells (frame "
                         "'%s')" % (name, tid, pno, frame))
    return GroundTruth(name, pdf, tables, notes, tuple(aligned_total))


def _take_region(reg_by_key, used, tid, rid, page):
    """The -reg.xml box of a -str.xml region: same table and region id on
    the same page, else any unused region of the table on that page."""
    keys = [(tid, rid)] + sorted(k for k in reg_by_key
                                 if k[0] == tid and k != (tid, rid))
    for key in keys:
        for k, (pno, box) in enumerate(reg_by_key.get(key, [])):
            if pno == page and key + (k,) not in used:
                used.add(key + (k,))
                return box
    return None


def _region_frame(page, box, dcells, fallback):
    if not dcells:
        return FRAMES[fallback](page, box), fallback
    cells_box = _union([c.box for c in dcells])
    scores = {f: scoring.iou(conv(page, box), cells_box)
              for f, conv in FRAMES.items()}
    best = max(scores, key=lambda f: (scores[f], f == "user"))
    return FRAMES[best](page, box), best


_ALT_RE = re.compile(r"^(.*?)([a-z])$")


class Document:
    """A PDF and its ground truths (more than one when the competition gave
    alternative readings, as eu-009a and eu-009b for eu-009a.pdf)."""

    def __init__(self, name, pdf, gt_names):
        self.name = name
        self.pdf = pdf
        self.gt_names = gt_names


def discover(data_dir):
    """Documents of an ICDAR-style directory, in name order."""
    stems = sorted(f[:-len("-str.xml")] for f in os.listdir(data_dir)
                   if f.endswith("-str.xml"))
    pdfs = {f[:-4] for f in os.listdir(data_dir) if f.endswith(".pdf")}
    docs = {}
    orphans = []
    for stem in stems:
        pdf_stem = stem if stem in pdfs else None
        if pdf_stem is None:
            m = _ALT_RE.match(stem)
            if m:
                base = m.group(1)
                cands = sorted(p for p in pdfs if p == base or (
                    _ALT_RE.match(p) and _ALT_RE.match(p).group(1) == base))
                if cands:
                    pdf_stem = cands[0]
        if pdf_stem is None:
            orphans.append(stem)
            continue
        doc = docs.get(pdf_stem)
        if doc is None:
            doc = docs[pdf_stem] = Document(
                pdf_stem, os.path.join(data_dir, pdf_stem + ".pdf"), [])
        doc.gt_names.append(stem)
    return [docs[k] for k in sorted(docs)], orphans


def load_document(data_dir, doc, pages, words):
    """[GroundTruth] of a Document, one per alternative."""
    out = []
    for stem in doc.gt_names:
        out.append(load(stem, os.path.join(data_dir, stem + "-str.xml"),
                        os.path.join(data_dir, stem + "-reg.xml"),
                        doc.pdf, pages, words))
    return out
