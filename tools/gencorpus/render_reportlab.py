"""Producer 2: reportlab, with TrueType fonts (embedded subsets) or the
non-embedded CID font STSong-Light (poppler needs poppler-data for it)."""
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = {
    "STSong-Light": None,
    "WenQuanYi Zen Hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "AR PL UMing CN": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
}


class Measure:
    def __init__(self, family):
        if family not in pdfmetrics.getRegisteredFontNames():
            spec = FONTS[family]
            if spec is None:
                pdfmetrics.registerFont(UnicodeCIDFont(family))
            else:
                pdfmetrics.registerFont(TTFont(family, spec[0],
                                               subfontIndex=spec[1]))
        self.family = family

    def width(self, s, size):
        return pdfmetrics.stringWidth(s, self.family, size)


def render(pages, path, measure, title):
    # invariant=1: no creation date or random document id in the file
    c = canvas.Canvas(path, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setCreator("budtab tools/gen-corpus")
    for page in pages:
        if page.rotate == 90:
            # a portrait media box shown turned: content is drawn along the
            # page's long edge so that it reads upright once rotated.
            # reportlab takes the size as displayed and writes the MediaBox
            # swapped for /Rotate 90, so this gives MediaBox [0 0 h w].
            c.setPageSize((page.w, page.h))
            c.setPageRotation(90)
            c.saveState()
            c.transform(0, 1, -1, 0, page.h, 0)
        else:
            c.setPageSize((page.w, page.h))
            c.setPageRotation(0)
            c.saveState()
        for op in page.ops:
            draw(c, measure, page.h, op)
        c.restoreState()
        c.showPage()
    c.save()


def draw(c, measure, H, op):
    kind = op[0]
    if kind == "text":
        _, x, y, s, size, gray, _bold = op
        c.setFillGray(gray)
        c.setFont(measure.family, size)
        c.drawString(x, H - y, s)
    elif kind == "rtext":
        _, cx, cy, s, size, angle, gray = op
        c.saveState()
        c.translate(cx, H - cy)
        c.rotate(angle)
        c.setFillGray(gray)
        c.setFont(measure.family, size)
        c.drawCentredString(0, -size * 0.35, s)
        c.restoreState()
    elif kind == "line":
        _, x1, y1, x2, y2, lw, rgb = op
        c.setStrokeColorRGB(*rgb)
        c.setLineWidth(lw)
        c.setLineCap(2)
        c.line(x1, H - y1, x2, H - y2)
    elif kind == "fill":
        _, x, y, w, h, rgb = op
        c.setFillColorRGB(*rgb)
        c.rect(x, H - y - h, w, h, stroke=0, fill=1)
    elif kind == "box":
        _, x, y, w, h, lw, rgb = op
        c.setStrokeColorRGB(*rgb)
        c.setLineWidth(lw)
        c.rect(x, H - y - h, w, h, stroke=1, fill=0)
    else:
        raise ValueError(kind)
