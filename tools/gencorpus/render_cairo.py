"""Producer 1: pycairo + PangoCairo (fonts embedded as subsets by cairo)."""
import math

import cairo
import gi

gi.require_version("Pango", "1.0")
gi.require_version("PangoCairo", "1.0")
gi.require_foreign("cairo")
from gi.repository import Pango, PangoCairo  # noqa: E402

# a fixed date keeps the output byte-identical from run to run
FIXED_DATE = "2024-01-01T00:00:00Z"


class Measure:
    def __init__(self, family):
        self.family = family
        # a PDF surface's context has the font options used when drawing
        # (no metric hinting), so widths measured here are the drawn ones
        self.surface = cairo.PDFSurface(None, 100, 100)
        self.ctx = PangoCairo.create_context(cairo.Context(self.surface))
        self.cache = {}

    def font(self, size, bold=False):
        d = Pango.FontDescription.from_string(self.family)
        d.set_absolute_size(size * Pango.SCALE)
        if bold:
            d.set_weight(Pango.Weight.BOLD)
        return d

    def width(self, s, size):
        key = (s, size)
        if key not in self.cache:
            lay = Pango.Layout.new(self.ctx)
            lay.set_font_description(self.font(size))
            lay.set_text(s, -1)
            self.cache[key] = lay.get_extents()[1].width / Pango.SCALE
        return self.cache[key]


def render(pages, path, measure, title):
    w0, h0 = pages[0].w, pages[0].h
    surface = cairo.PDFSurface(path, w0, h0)
    surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, FIXED_DATE)
    surface.set_metadata(cairo.PDFMetadata.MOD_DATE, FIXED_DATE)
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "budtab tools/gen-corpus")
    for page in pages:
        if page.rotate:
            raise ValueError("the cairo producer draws landscape media boxes, "
                             "not /Rotate pages")
        surface.set_size(page.w, page.h)
        cr = cairo.Context(surface)
        for op in page.ops:
            draw(cr, measure, op)
        cr.show_page()
    surface.finish()


def layout(cr, measure, s, size, bold=False):
    lay = PangoCairo.create_layout(cr)
    lay.set_font_description(measure.font(size, bold))
    lay.set_text(s, -1)
    return lay


def draw(cr, measure, op):
    kind = op[0]
    if kind == "text":
        _, x, y, s, size, gray, bold = op
        lay = layout(cr, measure, s, size, bold)
        cr.set_source_rgb(gray, gray, gray)
        cr.move_to(x, y - lay.get_baseline() / Pango.SCALE)
        PangoCairo.show_layout(cr, lay)
    elif kind == "rtext":
        _, cx, cy, s, size, angle, gray = op
        lay = layout(cr, measure, s, size)
        ext = lay.get_extents()[1]
        cr.save()
        cr.translate(cx, cy)
        cr.rotate(-math.radians(angle))
        cr.set_source_rgb(gray, gray, gray)
        cr.move_to(-ext.width / Pango.SCALE / 2, -ext.height / Pango.SCALE / 2)
        PangoCairo.show_layout(cr, lay)
        cr.restore()
    elif kind == "line":
        _, x1, y1, x2, y2, lw, rgb = op
        cr.set_source_rgb(*rgb)
        cr.set_line_width(lw)
        cr.set_line_cap(cairo.LINE_CAP_SQUARE)
        cr.move_to(x1, y1)
        cr.line_to(x2, y2)
        cr.stroke()
    elif kind == "fill":
        _, x, y, w, h, rgb = op
        cr.set_source_rgb(*rgb)
        cr.rectangle(x, y, w, h)
        cr.fill()
    elif kind == "box":
        _, x, y, w, h, lw, rgb = op
        cr.set_source_rgb(*rgb)
        cr.set_line_width(lw)
        cr.rectangle(x, y, w, h)
        cr.stroke()
    else:
        raise ValueError(kind)
