"""The gold budtab/1 document, computed from the same data that draws the PDF.

Every value here is derived from the strings that are printed, by the
conventions the lead fixed for the corpus (see corpus/README.md); nothing
is taken from running budtab.
"""
import hashlib
import re
import unicodedata

FORMAT = "budtab/1"

# Default indicator columns of the common layout (the seed's).
STANDARD_COLUMNS = [
    {"field": "level1", "header": "一级指标"},
    {"field": "level2", "header": "二级指标"},
    {"field": "level3", "header": "三级指标"},
    {"field": "description", "header": "绩效指标描述"},
    {"field": "target", "header": "指标值"},
    {"field": "basis", "header": "指标值确定依据"},
]
FIELDS = ("level1", "level2", "level3", "description", "target", "basis")

_NUMBERING = re.compile(r"^\s*(?:[(（]\s*\d+\s*[)）]|\d+\s*[.．、])\s*")
_OPS = [(">=", ">="), ("<=", "<="), ("≥", ">="), ("≧", ">="), ("≤", "<="),
        ("≦", "<="), (">", ">"), ("<", "<"), ("=", "=")]
_PERCENT_UNITS = {"%", "百分比"}
_QUARTERS = {"第一季度": 3, "第二季度": 6, "第三季度": 9, "第四季度": 12,
             "一季度": 3, "二季度": 6, "三季度": 9, "四季度": 12}


def nfkc(s):
    return unicodedata.normalize("NFKC", s)


def blank(s):
    return s is None or s.strip() == ""


def text_or_null(s):
    return None if blank(s) else s


def number(s):
    """A printed amount (`879.00`, `91`, `１２.５`) as a float; empty -> None."""
    if blank(s):
        return None
    t = re.sub(r"\s+", "", nfkc(s)).replace(",", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", t):
        raise ValueError("not an amount: %r" % s)
    return float(t)


def int_if_integral(v):
    return int(v) if v == int(v) else v


def strip_numbering(s):
    return _NUMBERING.sub("", s, count=1)


def target(text):
    """{"text","op","value","unit"} for a printed 指标值."""
    t = re.sub(r"\s+", "", nfkc(text))
    op = None
    for lit, name in _OPS:
        if t.startswith(lit):
            op, t = name, t[len(lit):]
            break
    m = re.match(r"(\d+(?:\.\d+)?)(.*)$", t)
    if not m:
        # qualitative (有所提高), or a bare unit such as `%`
        return {"text": text, "op": None, "value": None, "unit": None}
    value = int_if_integral(float(m.group(1)))
    unit = m.group(2) or None
    if unit in _PERCENT_UNITS:
        unit = "%"
    return {"text": text, "op": op, "value": value, "unit": unit}


def month(label):
    t = re.sub(r"\s+", "", nfkc(label))
    m = re.match(r"(\d+)月", t)
    if m:
        return int(m.group(1))
    if t in _QUARTERS:
        return _QUARTERS[t]
    raise ValueError("no month in schedule label %r" % label)


def percent(s):
    t = re.sub(r"\s+", "", nfkc(s)).rstrip("%")
    return int_if_integral(float(t))


def caption_title(caption):
    if caption is None:
        return None
    return strip_numbering(caption)


def split_unit(line):
    if line is None:
        return None, None
    code, name = line.split(None, 1)
    return code, name


def indicator(columns, row):
    ind = {f: None for f in FIELDS}
    extra = {}
    for col, cell in zip(columns, row):
        f = col["field"]
        if f == "extra":
            extra[col["header"]] = text_or_null(cell)
        elif f == "target":
            ind[f] = None if blank(cell) else target(cell)
        else:
            ind[f] = text_or_null(cell)
    if extra:
        ind["extra"] = extra
    return ind


def project(seq, p, pages):
    code, name = split_unit(p.get("unit"))
    columns = p.get("columns", STANDARD_COLUMNS)
    b = p["budget"]
    return {
        "seq": seq,
        "title": caption_title(p.get("caption")),
        "pages": pages,
        "unit_code": code,
        "unit_name": name,
        "code": text_or_null(p["code"]),
        "name": text_or_null(p["name"]),
        "budget": {"total": number(b.get("total")),
                   "fiscal": number(b.get("fiscal")),
                   "other": number(b.get("other"))},
        "purpose": text_or_null(p.get("purpose")),
        "schedule": [{"label": lab, "month": month(lab), "percent": percent(pc)}
                     for lab, pc in p["schedule"]],
        "goals": [strip_numbering(g) for g in p["goals"] if not blank(g)],
        "indicators": [indicator(columns, row) for row in p["indicators"]],
    }


def document(doc, pdf_rel, pdf_bytes, npages, project_pages):
    """project_pages: one list of 1-based pages per project block, in order."""
    projects = [b for b in doc["blocks"] if b["type"] == "project"]
    meta = doc.get("document", {})
    return {
        "format": FORMAT,
        "source": {"file": pdf_rel,
                   "sha256": hashlib.sha256(pdf_bytes).hexdigest(),
                   "input": "pdf", "pages": npages},
        "document": {"title": meta.get("title"), "year": meta.get("year"),
                     "department": meta.get("department")},
        "projects": [project(i + 1, p, pg)
                     for i, (p, pg) in enumerate(zip(projects, project_pages))],
        "warnings": [],
    }


CHECK_FORMAT = "budtab-check-gold/1"


def check(doc, pdf_rel):
    """The findings budtab check must report: the codes each project block
    declares it plants (`planted`), sorted; a project that plants nothing
    must give none."""
    projects = [b for b in doc["blocks"] if b["type"] == "project"]
    return {
        "format": CHECK_FORMAT,
        "file": pdf_rel,
        "projects": [{"seq": i + 1, "code": text_or_null(p["code"]),
                      "findings": sorted(p.get("planted", []))}
                     for i, p in enumerate(projects)],
    }
