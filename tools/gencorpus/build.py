"""One document description -> corpus/<name>.pdf and <name>.expected.json."""
import json
import os

from . import gold, layout


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    stem = os.path.basename(path)[:-len(".json")]
    if doc.get("name") != stem:
        raise ValueError("%s: name %r differs from the file name"
                         % (path, doc.get("name")))
    return doc


def producer(name):
    # imported on demand: a run for reportlab documents needs no cairo
    if name == "cairo":
        from . import render_cairo as mod
    elif name == "reportlab":
        from . import render_reportlab as mod
    elif name == "lo-calc":
        from . import lo_calc as mod
    else:
        raise ValueError("unknown producer %r" % name)
    return mod


def generate(doc, out_dir):
    """Writes the PDF and its gold; returns their paths."""
    name = doc["name"]
    pdf = os.path.join(out_dir, name + ".pdf")
    mod = producer(doc["producer"])
    title = doc.get("document", {}).get("title") or name
    if doc["producer"] == "lo-calc":
        npages, project_pages = mod.render(doc, pdf)
    else:
        measure = mod.Measure(doc["font"])
        pages, project_pages = layout.lay_out(doc, measure)
        mod.render(pages, pdf, measure, title)
        npages = len(pages)
    with open(pdf, "rb") as f:
        data = f.read()
    expected = gold.document(doc, "corpus/%s.pdf" % name, data, npages,
                             project_pages)
    gold_path = os.path.join(out_dir, name + ".expected.json")
    with open(gold_path, "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2)
        f.write("\n")
    if not doc.get("check"):
        return pdf, gold_path
    check_path = os.path.join(out_dir, name + ".check.json")
    with open(check_path, "w", encoding="utf-8") as f:
        json.dump(gold.check(doc, "corpus/%s.pdf" % name), f,
                  ensure_ascii=False, indent=2)
        f.write("\n")
    return pdf, gold_path, check_path
