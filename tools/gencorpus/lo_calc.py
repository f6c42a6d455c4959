"""Producer 3: a spreadsheet printed by LibreOffice Calc.

The document becomes a flat ODS file (one sheet per table, cell borders,
merged cells, wrapped text, a footer with the page number) converted with
`soffice --headless --convert-to pdf`.  Calc does its own layout, so pages
are fixed by construction instead: the cover sheet and every table sheet
are fitted to one page, except a table with `layout.break_after`, which
prints at 100% with a manual row break and, with `repeat_header`, the
indicator header row as a repeated print title.  The page count and the
page of each caption are checked in the converted PDF; a mismatch stops
the run instead of writing wrong gold.

Calc stamps the export time and a random document id into the PDF; both
are overwritten in place with values of the same length (so the xref
offsets stay right), which makes the output byte-identical from run to run
for one LibreOffice version.
"""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from xml.sax.saxutils import escape

from . import gold
from .layout import DEFAULT_LABELS, schedule_slots

FONTS = {"AR PL UMing CN": "UMing", "Noto Sans CJK SC": "NotoSans",
         "WenQuanYi Zen Hei": "WQY"}
COL_CM = [2.2, 2.2, 2.6, 2.2, 2.6, 2.2, 3.8]

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:font-face-decls>
 <style:font-face style:name="F" svg:font-family="'{family}'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="table-cell">
  <style:text-properties style:font-name="F" style:font-name-asian="F"
   style:font-name-complex="F" fo:font-size="10pt" style:font-size-asian="10pt"/>
 </style:default-style>
</office:styles>
<office:automatic-styles>
{page_layouts}
 <style:style style:name="taFit" style:family="table" style:master-page-name="Fit">
  <style:table-properties table:display="true"/></style:style>
 <style:style style:name="taFlow" style:family="table" style:master-page-name="Flow">
  <style:table-properties table:display="true"/></style:style>
{columns}
 <style:style style:name="ro" style:family="table-row">
  <style:table-row-properties style:use-optimal-row-height="true"/></style:style>
 <style:style style:name="roBreak" style:family="table-row">
  <style:table-row-properties fo:break-before="page" style:use-optimal-row-height="true"/></style:style>
 <style:style style:name="title" style:family="table-cell">
  <style:table-cell-properties style:vertical-align="middle"/>
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="20pt" style:font-size-asian="20pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="sub" style:family="table-cell">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="14pt" style:font-size-asian="14pt"/></style:style>
 <style:style style:name="cap" style:family="table-cell">
  <style:table-cell-properties style:vertical-align="middle" fo:wrap-option="wrap"/>
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="13pt" style:font-size-asian="13pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="unit" style:family="table-cell">
  <style:paragraph-properties fo:text-align="start"/></style:style>
 <style:style style:name="lab" style:family="table-cell">
  <style:table-cell-properties fo:border="0.5pt solid #000000" style:vertical-align="middle" fo:wrap-option="wrap"/>
  <style:paragraph-properties fo:text-align="center"/></style:style>
 <style:style style:name="val" style:family="table-cell">
  <style:table-cell-properties fo:border="0.5pt solid #000000" style:vertical-align="middle" fo:wrap-option="wrap"/>
  <style:paragraph-properties fo:text-align="start"/></style:style>
 <style:style style:name="valc" style:family="table-cell">
  <style:table-cell-properties fo:border="0.5pt solid #000000" style:vertical-align="middle" fo:wrap-option="wrap"/>
  <style:paragraph-properties fo:text-align="center"/></style:style>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Fit" style:page-layout-name="pmFit">
  <style:header style:display="false"/>
  <style:footer><text:p>第 <text:page-number>1</text:page-number> 页</text:p></style:footer>
 </style:master-page>
 <style:master-page style:name="Flow" style:page-layout-name="pmFlow">
  <style:header style:display="false"/>
  <style:footer><text:p>第 <text:page-number>1</text:page-number> 页</text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:spreadsheet>
"""

PAGE_LAYOUT = """ <style:page-layout style:name="{name}">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   style:print-orientation="portrait" fo:margin-top="1.6cm" fo:margin-bottom="1.4cm"
   fo:margin-left="1.5cm" fo:margin-right="1.5cm" style:print="grid-false"
   style:table-centering="horizontal" {scale}/>
  <style:header-style/>
  <style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.3cm"/></style:footer-style>
 </style:page-layout>"""


class Sheet:
    """Cells of one sheet on the 7-column grid; emits table:table XML."""

    def __init__(self, name, fit):
        self.name, self.fit = name, fit
        self.cells = {}      # (r, c) -> (rs, cs, style, paras)
        self.covered = set()
        self.nrows = 0
        self.break_rows = set()
        self.header_rows = None   # (first, last) repeated print rows

    def put(self, r, c, rs, cs, style, paras):
        if isinstance(paras, str) or paras is None:
            paras = [] if gold.blank(paras) else [paras]
        self.cells[(r, c)] = (rs, cs, style, paras)
        for dr in range(rs):
            for dc in range(cs):
                if dr or dc:
                    self.covered.add((r + dr, c + dc))
        self.nrows = max(self.nrows, r + rs)

    def xml(self):
        out = ['<table:table table:name="%s" table:style-name="%s">'
               % (escape(self.name), "taFit" if self.fit else "taFlow")]
        for i in range(len(COL_CM)):
            out.append('<table:table-column table:style-name="co%d"/>' % i)
        for r in range(self.nrows):
            if self.header_rows and r == self.header_rows[0]:
                out.append("<table:table-header-rows>")
            out.append('<table:table-row table:style-name="%s">'
                       % ("roBreak" if r in self.break_rows else "ro"))
            for c in range(len(COL_CM)):
                if (r, c) in self.covered:
                    out.append("<table:covered-table-cell/>")
                elif (r, c) in self.cells:
                    rs, cs, style, paras = self.cells[(r, c)]
                    attrs = ' table:style-name="%s"' % style
                    if rs > 1 or cs > 1:
                        attrs += (' table:number-rows-spanned="%d"'
                                  ' table:number-columns-spanned="%d"' % (rs, cs))
                    if paras:
                        out.append('<table:table-cell%s office:value-type="string">%s'
                                   '</table:table-cell>' % (attrs, "".join(
                                       "<text:p>%s</text:p>" % escape(p) for p in paras)))
                    else:
                        out.append("<table:table-cell%s/>" % attrs)
                else:
                    out.append("<table:table-cell/>")
            out.append("</table:table-row>")
            if self.header_rows and r == self.header_rows[1]:
                out.append("</table:table-header-rows>")
        out.append("</table:table>")
        return "\n".join(out)


def project_sheet(p, style, n):
    lab = dict(DEFAULT_LABELS)
    lab.update(style.get("labels", {}))
    columns = p.get("columns", gold.STANDARD_COLUMNS)
    if [c["field"] for c in columns] != list(gold.FIELDS):
        raise ValueError("the Calc producer draws the standard columns only")
    lay = p.get("layout", {})
    breaks = lay.get("break_after", [])
    sh = Sheet("表%d" % n, fit=not breaks)
    r = 0
    if p.get("caption"):
        sh.put(r, 0, 1, 7, "cap", p["caption"])
        r += 1
    if p.get("unit"):
        sh.put(r, 0, 1, 4, "unit", p["unit"])
        r += 1
    sh.put(r, 0, 1, 1, "lab", lab["code"])
    sh.put(r, 1, 1, 2, "valc", p["code"])
    sh.put(r, 3, 1, 1, "lab", lab["name"])
    sh.put(r, 4, 1, 3, "val", p["name"])
    b = p["budget"]
    sh.put(r + 1, 0, 2, 1, "lab", "".join(lab["budget_block"]))
    sh.put(r + 1, 1, 1, 1, "lab", lab["total"])
    sh.put(r + 1, 2, 1, 1, "valc", b.get("total"))
    sh.put(r + 1, 3, 1, 1, "lab", lab["fiscal"])
    sh.put(r + 1, 4, 1, 1, "valc", b.get("fiscal"))
    sh.put(r + 1, 5, 1, 1, "lab", lab["other"])
    sh.put(r + 1, 6, 1, 1, "valc", b.get("other"))
    sh.put(r + 2, 1, 1, 6, "val", p.get("purpose"))
    sh.put(r + 3, 0, 2, 1, "lab", lab["schedule_block"])
    for (c, cs), (period, pct) in zip(schedule_slots(len(p["schedule"])),
                                      p["schedule"]):
        sh.put(r + 3, c, 1, cs, "valc", period)
        sh.put(r + 4, c, 1, cs, "valc", pct)
    sh.put(r + 5, 0, 1, 1, "lab", lab["goals"])
    sh.put(r + 5, 1, 1, 6, "val", [g for g in p["goals"] if not gold.blank(g)])
    hr = r + 6
    for c, cs, col in zip([0, 1, 2, 3, 5, 6], [1, 1, 1, 2, 1, 1], columns):
        sh.put(hr, c, 1, cs, "lab", col["header"])
    rows = p["indicators"]
    first = hr + 1
    merge2 = style.get("merge_level2", False)
    i = 0
    while i < len(rows):
        n1 = 1
        while i + n1 < len(rows) and rows[i + n1][0] == rows[i][0]:
            n1 += 1
        sh.put(first + i, 0, n1, 1, "lab", rows[i][0])
        j = i
        while j < i + n1:
            n2 = 1
            while merge2 and j + n2 < i + n1 and rows[j + n2][1] == rows[j][1]:
                n2 += 1
            sh.put(first + j, 1, n2, 1, "valc", rows[j][1])
            j += n2
        i += n1
    for k, row in enumerate(rows):
        sh.put(first + k, 2, 1, 1, "valc", row[2])
        sh.put(first + k, 3, 1, 2, "val", row[3])
        sh.put(first + k, 5, 1, 1, "valc", row[4])
        sh.put(first + k, 6, 1, 1, "val", row[5])
    for k in breaks:
        # Calc prints a merged cell cut by a break only once: keep breaks
        # at level-1 group boundaries
        if k and rows[k][0] == rows[k - 1][0]:
            raise ValueError("break_after %d splits the %s group" % (k, rows[k][0]))
        sh.break_rows.add(first + k)
    if breaks and style.get("repeat_header"):
        sh.header_rows = (hr, hr)
    return sh


def cover_sheet(b):
    sh = Sheet("封面", fit=True)
    for r in range(8):
        sh.put(r, 0, 1, 7, "sub", " ")
    sh.put(8, 0, 1, 7, "title", b["title"])
    r = 14
    for line in b.get("lines", []):
        sh.put(r, 0, 1, 7, "sub", line)
        r += 2
    return sh


def fods(doc):
    family = doc["font"]
    style = doc.get("style", {})
    sheets, expect = [], []   # (is a project, caption, pages it must take)
    n = 0
    for b in doc["blocks"]:
        if b["type"] == "cover":
            sheets.append(cover_sheet(b))
            expect.append((False, None, 1))
        elif b["type"] == "project":
            n += 1
            sh = project_sheet(b, style, n)
            sheets.append(sh)
            expect.append((True, b.get("caption"), 1 + len(sh.break_rows)))
        else:
            raise ValueError("the Calc producer has no %r block" % b["type"])
    layouts = "\n".join([
        PAGE_LAYOUT.format(name="pmFit", scale='style:scale-to-pages="1"'),
        PAGE_LAYOUT.format(name="pmFlow", scale='style:scale-to="100%"')])
    columns = "\n".join(
        ' <style:style style:name="co%d" style:family="table-column">'
        '<style:table-column-properties style:column-width="%.2fcm"/></style:style>'
        % (i, w) for i, w in enumerate(COL_CM))
    body = "\n".join(sh.xml() for sh in sheets)
    xml = (HEAD.replace("{family}", escape(family))
           .replace("{page_layouts}", layouts).replace("{columns}", columns)
           + body + "\n</office:spreadsheet></office:body></office:document>\n")
    return xml, expect


def pin(data):
    """The PDF bytes with a fixed creation date and a content-derived id."""
    data, n = re.subn(rb"/CreationDate\(D:\d{14}",
                      lambda m: m.group(0)[:-14] + b"20240101000000", data)
    if n != 1:
        raise RuntimeError("no /CreationDate in the Calc PDF")
    ids = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
    m = ids.search(data)
    if not m:
        raise RuntimeError("no /ID in the Calc PDF")
    # the checksum Calc adds covers the export time too
    checksum = re.compile(rb"/DocChecksum /([0-9A-F]{32})")
    digest = hashlib.md5(checksum.sub(b"", ids.sub(b"", data))).hexdigest()
    digest = digest.upper().encode()
    data = checksum.sub(b"/DocChecksum /" + digest, data)
    m = ids.search(data)
    return data[:m.start(1)] + digest + data[m.end(1):m.start(2)] + digest + data[m.end(2):]


def page_texts(pdf):
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def render(doc, pdf):
    """Writes pdf; returns (page count, pages of each project)."""
    xml, expect = fods(doc)
    soffice = shutil.which("soffice")
    if not soffice:
        raise RuntimeError("soffice not found: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory(prefix="gen-corpus-lo-") as tmp:
        src = os.path.join(tmp, doc["name"] + ".fods")
        with open(src, "w", encoding="utf-8") as f:
            f.write(xml)
        profile = "file://" + os.path.join(tmp, "profile")
        subprocess.run([soffice, "-env:UserInstallation=" + profile, "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, src],
                       check=True, capture_output=True, timeout=300)
        with open(os.path.join(tmp, doc["name"] + ".pdf"), "rb") as f:
            data = pin(f.read())
    with open(pdf, "wb") as f:
        f.write(data)
    pages, project_pages, at = page_texts(pdf), [], 0
    want = sum(k for _, _, k in expect)
    if len(pages) != want:
        raise RuntimeError("%s: Calc printed %d pages, the layout needs %d"
                           % (pdf, len(pages), want))
    for is_project, caption, k in expect:
        if caption is not None:
            probe = re.sub(r"\s+", "", caption)[:12]
            if probe not in re.sub(r"\s+", "", pages[at]):
                raise RuntimeError("%s: caption %r is not on page %d"
                                   % (pdf, caption, at + 1))
        if is_project:
            project_pages.append(list(range(at + 1, at + k + 1)))
        at += k
    return len(pages), project_pages
