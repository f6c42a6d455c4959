"""Small PDFs and ICDAR ground truth written from scratch, for testing the
coordinate conversion against poppler itself.

The ICDAR EU set has one rotated document and no crop box off the origin,
so the self-check adds pages that have both: a crop box moved away from the
media box's corner combined with each /Rotate value. Their ground truth is
written in unrotated user space (the nominal ICDAR convention), and the
words drawn in each cell must land inside the converted cell boxes in
poppler's own displayed coordinates (`pdftotext -bbox`).
"""

import os
from xml.sax.saxutils import quoteattr, escape

# Helvetica advance widths (1/1000 em) for the characters used below.
_WIDTHS = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611)))
_WIDTHS.update({c: 556 for c in "0123456789"})
_WIDTHS.update({"-": 333, " ": 278})

FONT_SIZE = 10.0
ASCENT = 0.72 * FONT_SIZE   # cap height: the words are capitals and digits
DESCENT = 0.0


def text_width(text):
    return sum(_WIDTHS[c] for c in text) * FONT_SIZE / 1000.0


def _escape_pdf(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path, pages):
    """Write a PDF of pages to path.

    pages: list of dicts with 'media' and 'crop' (x0, y0, x1, y1), 'rot',
    and 'words': [(x, baseline_y, text)] in unrotated user space.
    """
    objects = []   # bytes of objects 1..n, in order

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages_obj = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for page in pages:
        ops = []
        for x, y, text in page["words"]:
            ops.append("BT /F1 %.2f Tf 1 0 0 1 %.3f %.3f Tm (%s) Tj ET"
                       % (FONT_SIZE, x, y, _escape_pdf(text)))
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream
                      + b"\nendstream")
        box = " ".join("%.3f" % v for v in page["media"])
        crop = " ".join("%.3f" % v for v in page["crop"])
        kids.append(add((
            "<< /Type /Page /Parent %d 0 R /MediaBox [%s] /CropBox [%s] "
            "/Rotate %d /Resources << /Font << /F1 %d 0 R >> >> "
            "/Contents %d 0 R >>" % (pages_obj, box, crop, page["rot"],
                                     font, content)).encode("ascii")))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (
        " ".join("%d 0 R" % k for k in kids), len(kids))).encode("ascii")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, xref))
    with open(path, "wb") as f:
        f.write(out)


# Each page: media box, crop box (moved off the media box corner), rotation.
PAGE_SETUPS = [
    ((0, 0, 612, 792), (0, 0, 612, 792), 0),
    ((0, 0, 612, 792), (40, 60, 560, 742), 0),
    ((0, 0, 612, 792), (40, 60, 560, 742), 90),
    ((0, 0, 612, 792), (40, 60, 560, 742), 180),
    ((0, 0, 612, 792), (40, 60, 560, 742), 270),
    ((-30, -20, 700, 500), (10, 15, 690, 480), 90),
]

# A 4 x 3 table whose first header cell spans two columns and whose first
# body label spans two rows; all texts distinct so that a misplaced box
# shows. (row0, row1, col0, col1, text); None = an empty cell.
TABLE = [
    (0, 0, 0, 1, "HEAD-AB"), (0, 0, 2, 2, "HEAD-C"),
    (1, 2, 0, 0, "SPAN-ROWS"), (1, 1, 1, 1, "R1-B"), (1, 1, 2, 2, "R1-C"),
    (2, 2, 1, 1, "R2-B"), (2, 2, 2, 2, None),
    (3, 3, 0, 0, "R3-A"), (3, 3, 1, 1, "R3-B"), (3, 3, 2, 2, "R3-C"),
]
_COL_X = [0.0, 90.0, 180.0]   # left edge of each column, from the table's x
_ROW_H = 20.0


def _table_words(x0, top, tag):
    """The words of TABLE placed with the table's top left at (x0, top) in
    user space, and the user-space cell boxes (x0, y0, x1, y1, bottom-up)."""
    words, cells = [], []
    for r0, r1, c0, c1, text in TABLE:
        if text is None:
            cells.append((r0, r1, c0, c1, None, None))
            continue
        text = "%s%s" % (text, tag)
        x = x0 + _COL_X[c0] + 2
        mid_row = (r0 + r1) / 2.0     # labels of row spans sit in the middle
        base = top - (mid_row + 1) * _ROW_H + 5
        words.append((x, base, text))
        box = (x, base - DESCENT, x + text_width(text), base + ASCENT)
        cells.append((r0, r1, c0, c1, text, box))
    bottom = top - len({c[0] for c in TABLE}) * _ROW_H
    region = (x0, bottom, x0 + _COL_X[-1] + 80, top)
    return words, cells, region


def write_dataset(directory, name="synthetic-rot"):
    """Write name.pdf, name-reg.xml and name-str.xml into directory: one
    table per page of PAGE_SETUPS, ground truth in unrotated user space.
    Returns the list of page setups used."""
    pages = []
    str_tables, reg_tables = [], []
    for i, (media, crop, rot) in enumerate(PAGE_SETUPS, 1):
        x0 = crop[0] + 30
        top = crop[3] - 40
        words, cells, region = _table_words(x0, top, str(i))
        # A stray word outside the table, for the purity measure.
        words.append((crop[0] + 30, crop[1] + 30, "PAGE%d" % i))
        pages.append({"media": media, "crop": crop, "rot": rot,
                      "words": words})
        str_tables.append((i, cells))
        reg_tables.append((i, region))

    write_pdf(os.path.join(directory, name + ".pdf"), pages)

    def bb(box):
        return ('<bounding-box x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f"/>'
                % box)

    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<document filename=%s>' % quoteattr(name + "-str.xml")]
    for i, cells in str_tables:
        s.append('  <table id="%d">' % i)
        s.append('    <region id="1" page="%d" col-increment="0" '
                 'row-increment="0">' % i)
        for r0, r1, c0, c1, text, box in cells:
            if text is None:
                continue
            span = ""
            if r1 != r0:
                span += ' end-row="%d"' % r1
            if c1 != c0:
                span += ' end-col="%d"' % c1
            s.append('      <cell id="1" start-row="%d" start-col="%d"%s>'
                     % (r0, c0, span))
            s.append("        " + bb(box))
            s.append("        <content>%s</content>" % escape(text))
            s.append("      </cell>")
        s.append("    </region>")
        s.append("  </table>")
    s.append("</document>")
    with open(os.path.join(directory, name + "-str.xml"), "w") as f:
        f.write("\n".join(s) + "\n")

    r = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<document filename=%s>' % quoteattr(name + "-reg.xml")]
    for i, region in reg_tables:
        r.append('  <table id="%d">' % i)
        r.append('    <region id="1" page="%d">' % i)
        r.append("      " + bb(region))
        r.append("    </region>")
        r.append("  </table>")
    r.append("</document>")
    with open(os.path.join(directory, name + "-reg.xml"), "w") as f:
        f.write("\n".join(r) + "\n")
    return PAGE_SETUPS
