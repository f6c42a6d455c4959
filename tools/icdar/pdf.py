"""Page geometry and words of a PDF, read with poppler-utils.

Everything the scorer compares lives in *displayed page space*: PDF points,
origin at the top left of the page as shown (crop box, /Rotate applied), y
down. That is the space of `budtab-grids/1` and of `pdftotext -bbox`.
"""

import html
import re
import subprocess

_BOX_RE = re.compile(
    r"^Page\s+(\d+)\s+(size|rot|MediaBox|CropBox):\s*(.*)$")


class ToolError(Exception):
    """A poppler-utils command failed or printed something unexpected."""


class Page:
    """One page's boxes and rotation, as pdfinfo reports them.

    media and crop are (x0, y0, x1, y1) in unrotated PDF user space (origin
    bottom left, y up); poppler clips the crop box to the media box before
    reporting it. rot is 0, 90, 180 or 270 (clockwise, as /Rotate).
    """

    def __init__(self, number, media, crop, rot):
        self.number = number
        self.media = _norm(media)
        self.crop = _norm(crop)
        self.rot = rot % 360
        if self.rot not in (0, 90, 180, 270):
            raise ValueError("page %d: rotation %d is not a multiple of 90"
                             % (number, rot))

    @property
    def crop_width(self):
        return self.crop[2] - self.crop[0]

    @property
    def crop_height(self):
        return self.crop[3] - self.crop[1]

    @property
    def display_size(self):
        """(width, height) of the page as displayed."""
        if self.rot in (90, 270):
            return self.crop_height, self.crop_width
        return self.crop_width, self.crop_height

    def user_to_display(self, x, y):
        """A point of unrotated user space -> displayed page space.

        /Rotate turns the page clockwise for display; the crop box's lower
        left corner is the origin of what is shown.
        """
        u = x - self.crop[0]
        v = y - self.crop[1]
        w, h = self.crop_width, self.crop_height
        if self.rot == 0:
            return u, h - v
        if self.rot == 90:
            return v, u
        if self.rot == 180:
            return w - u, v
        return h - v, w - u

    def user_box_to_display(self, box):
        """(x0, y0, x1, y1) in user space -> normalised displayed box."""
        ax, ay = self.user_to_display(box[0], box[1])
        bx, by = self.user_to_display(box[2], box[3])
        return _norm((ax, ay, bx, by))

    def differs_from_plain(self):
        """True when unrotated user space is not simply the displayed page
        flipped vertically (rotation, or a crop box off the origin)."""
        return (self.rot != 0 or abs(self.crop[0]) > 1e-6
                or abs(self.crop[1]) > 1e-6)

    def __repr__(self):
        return "Page(%d, media=%r, crop=%r, rot=%d)" % (
            self.number, self.media, self.crop, self.rot)


def _norm(box):
    x0, y0, x1, y1 = (float(v) for v in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _run(argv, timeout=120):
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except FileNotFoundError:
        raise ToolError("%s not found (install poppler-utils)" % argv[0])
    except subprocess.TimeoutExpired:
        raise ToolError("%s timed out" % " ".join(argv))
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError("%s exited %d: %s" % (
            " ".join(argv), proc.returncode, err[0] if err else ""))
    return proc.stdout.decode("utf-8", "replace")


def parse_pdfinfo_boxes(text):
    """The output of `pdfinfo -f 1 -l N -box` -> {page number: Page}."""
    fields = {}
    for line in text.splitlines():
        m = _BOX_RE.match(line.strip())
        if not m:
            continue
        num, key, rest = int(m.group(1)), m.group(2), m.group(3)
        entry = fields.setdefault(num, {})
        if key in ("MediaBox", "CropBox"):
            vals = rest.split()
            if len(vals) != 4:
                raise ToolError("pdfinfo: cannot read %r" % line)
            entry[key] = tuple(float(v) for v in vals)
        elif key == "rot":
            entry["rot"] = int(float(rest.split()[0]))
    pages = {}
    for num, entry in fields.items():
        if "MediaBox" not in entry:
            raise ToolError("pdfinfo: no MediaBox for page %d" % num)
        pages[num] = Page(num, entry["MediaBox"],
                          entry.get("CropBox", entry["MediaBox"]),
                          entry.get("rot", 0))
    return pages


def read_pages(pdf):
    """{page number: Page} for every page of pdf (1-based)."""
    pages = parse_pdfinfo_boxes(
        _run(["pdfinfo", "-f", "1", "-l", "999999", "-box", pdf]))
    if not pages:
        raise ToolError("pdfinfo reported no pages for %s" % pdf)
    return pages


_PAGE_RE = re.compile(r"<page\b")
_WORD_RE = re.compile(
    r'<word xMin="([-0-9.e]+)" yMin="([-0-9.e]+)" xMax="([-0-9.e]+)" '
    r'yMax="([-0-9.e]+)">(.*?)</word>')


def parse_words(text):
    """`pdftotext -bbox` output -> {page number: [(box, text)]}.

    poppler reports word boxes in displayed page space (crop box origin,
    rotation applied) even though the <page> size it prints is unrotated,
    so only the boxes are used.
    """
    pages = {}
    page = 0
    for line in text.splitlines():
        if _PAGE_RE.search(line):
            page += 1
            pages[page] = []
            continue
        m = _WORD_RE.search(line)
        if m and page:
            box = _norm([float(m.group(i)) for i in range(1, 5)])
            pages[page].append((box, html.unescape(m.group(5))))
    return pages


def read_words(pdf):
    """{page number: [(displayed box, word)]} for every page of pdf."""
    return parse_words(_run(["pdftotext", "-bbox", "-cropbox", "-enc", "UTF-8",
                             pdf, "-"]))
