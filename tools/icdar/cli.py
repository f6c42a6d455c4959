"""tools/eval-icdar: score `budtab grids` on the ICDAR 2013 EU table set."""

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time

from . import grids, groundtruth, pdf, scoring, synthetic

EXIT_OK, EXIT_FAIL, EXIT_SETUP = 0, 1, 2
FLOOR_EPS = 1e-9
TOTAL = "TOTAL"


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def default_data_dir(root):
    env = os.environ.get("BUDTAB_ICDAR_DIR")
    if env:
        return env
    for cand in (os.path.join(root, "..", "shared", "external",
                              "icdar2013-eu"),
                 os.path.join(root, "tests", "data", "icdar2013-eu")):
        if os.path.isdir(cand):
            return os.path.normpath(cand)
    return os.path.normpath(os.path.join(root, "tests", "data",
                                         "icdar2013-eu"))


def parse_args(argv, root):
    ap = argparse.ArgumentParser(
        prog="eval-icdar",
        description="Score `budtab grids` on the ICDAR 2013 EU table "
                    "competition set: region detection (IoU >= 0.5, plus "
                    "completeness/purity) and structure (adjacency "
                    "relations), micro-averaged over the documents.")
    ap.add_argument("documents", nargs="*", metavar="NAME",
                    help="only these documents (e.g. eu-015); default all")
    ap.add_argument("--budtab", default=os.path.join(root, "build", "budtab"),
                    help="budtab binary (default: build/budtab of the repo)")
    ap.add_argument("--data", default=None,
                    help="dataset directory (default: $BUDTAB_ICDAR_DIR, "
                         "else ../shared/external/icdar2013-eu beside the "
                         "repo, else tests/data/icdar2013-eu)")
    ap.add_argument("--grids-dir", metavar="DIR",
                    help="score DIR/NAME.json files instead of running budtab")
    ap.add_argument("--self-check", action="store_true",
                    help="score the ground truth itself, written as "
                         "budtab-grids/1; every F1 must be 1.0")
    ap.add_argument("--json", metavar="OUT", help="write a full report here")
    ap.add_argument("--floors", metavar="FILE",
                    help="fail when a score falls below its floor (default "
                         "tests/data/icdar-floors.tsv when it exists)")
    ap.add_argument("--no-floors", action="store_true",
                    help="do not check any floors")
    ap.add_argument("--update-floors", action="store_true",
                    help="raise floors to the current scores (never lowers)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds allowed per budtab run (default 60)")
    ap.add_argument("--details", action="store_true",
                    help="print table matches and missing/extra relations")
    args = ap.parse_args(argv)
    if args.self_check and (args.grids_dir or args.update_floors):
        ap.error("--self-check scores the ground truth only")
    if args.data is None:
        args.data = default_data_dir(root)
    if args.floors is None:
        cand = os.path.join(root, "tests", "data", "icdar-floors.tsv")
        if os.path.exists(cand) or args.update_floors:
            args.floors = cand
    if args.no_floors:
        if args.update_floors:
            ap.error("--no-floors and --update-floors contradict")
        args.floors = None
    return args


# ---------------------------------------------------------------- running

def run_budtab(budtab, pdf_path, timeout):
    """-> (stdout text or None, error or None, seconds)."""
    argv = [budtab, "grids", pdf_path, "--format", "json"]
    start = time.monotonic()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError as e:
        return None, "cannot run %s: %s" % (budtab, e), 0.0
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # Its own session: the kill reaches any helper it forked.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        proc.communicate()
        return None, "timed out after %gs" % timeout, time.monotonic() - start
    secs = time.monotonic() - start
    if proc.returncode != 0:
        if proc.returncode < 0:
            what = "killed by signal %d" % -proc.returncode
        else:
            what = "exit status %d" % proc.returncode
        lines = err.decode("utf-8", "replace").strip().splitlines()
        return None, what + (": " + lines[-1] if lines else ""), secs
    return out.decode("utf-8", "replace"), None, secs


class Result:
    """The outcome for one document (or, in the self-check, one ground
    truth): the counts of the ground truth it was scored against."""

    def __init__(self, name):
        self.name = name
        self.counts = scoring.Counts()
        self.seconds = 0.0
        self.error = None
        self.gt_used = None
        self.alternatives = {}
        self.details = None
        self.notes = []
        self.alignment = None

    def as_dict(self):
        return {"document": self.name, "error": self.error,
                "seconds": round(self.seconds, 3),
                "ground_truth": self.gt_used,
                "alternatives": self.alternatives,
                "notes": self.notes,
                "text_alignment": self.alignment,
                **self.counts.as_dict(),
                "details": self.details}


def score_against(gts, found_tables, words):
    """Score found tables against each alternative ground truth and keep
    the best (structure F1 first, then detection F1)."""
    best = None
    scored = {}
    for gt in gts:
        counts, details = scoring.score(gt.tables, found_tables, words)
        scored[gt.name] = counts
        key = (counts.str_f1, counts.det_f1)
        if best is None or key > best[0]:
            best = (key, gt, counts, details)
    return best[1], best[2], best[3], scored


def evaluate(args, docs):
    """Run budtab (or read --grids-dir) on every document and score it."""
    results = []
    for doc in docs:
        r = Result(doc.name)
        results.append(r)
        try:
            pages = pdf.read_pages(doc.pdf)
            words = pdf.read_words(doc.pdf)
            gts = groundtruth.load_document(args.data, doc, pages, words)
        except (pdf.ToolError, groundtruth.GroundTruthError) as e:
            r.error = "ground truth: %s" % e
            continue
        for gt in gts:
            r.notes.extend(gt.notes)
        if args.grids_dir:
            path = os.path.join(args.grids_dir, doc.name + ".json")
            t0 = time.monotonic()
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                err = None
            except OSError as e:
                text, err = None, "cannot read %s: %s" % (path, e.strerror)
            secs = time.monotonic() - t0
        else:
            text, err, secs = run_budtab(args.budtab, doc.pdf, args.timeout)
        r.seconds = secs
        found = []
        if err is None:
            try:
                found = grids.parse(text, len(pages))
            except grids.GridsError as e:
                err = "invalid output: %s" % e
        r.error = err
        # A failed run scores as an empty answer: every expected region and
        # relation counts as missed.
        gt, counts, details, scored = score_against(gts, found, words)
        r.counts, r.details, r.gt_used = counts, details, gt.name
        if len(gts) > 1:
            r.alternatives = {k: {"det_f1": round(v.det_f1, 6),
                                  "str_f1": round(v.str_f1, 6)}
                              for k, v in scored.items()}
    return results


# ------------------------------------------------------------- self-check

ALIGN_MIN = 0.9   # share of gt cells whose words poppler finds in the box


def self_check_results(args, docs):
    """Each ground truth, printed as budtab-grids/1 and parsed back, scored
    against itself."""
    results = []
    for doc in docs:
        try:
            pages = pdf.read_pages(doc.pdf)
            words = pdf.read_words(doc.pdf)
            gts = groundtruth.load_document(args.data, doc, pages, words)
        except (pdf.ToolError, groundtruth.GroundTruthError) as e:
            r = Result(doc.name)
            r.error = "ground truth: %s" % e
            results.append(r)
            continue
        for gt in gts:
            r = Result(gt.name)
            results.append(r)
            r.notes = list(gt.notes)
            r.alignment = list(gt.alignment)
            t0 = time.monotonic()
            text = grids.from_ground_truth(gt, len(pages))
            try:
                found = grids.parse(text, len(pages))
            except grids.GridsError as e:
                r.error = "own output rejected: %s" % e
                found = []
            _, r.counts, r.details, _ = score_against([gt], found, words)
            r.gt_used = gt.name
            r.seconds = time.monotonic() - t0
    return results


def self_check_failures(results):
    bad = []
    for r in results:
        c = r.counts
        why = []
        if r.error:
            why.append(r.error)
        if c.det_f1 != 1.0 or c.str_f1 != 1.0:
            why.append("F1 below 1.0")
        if c.complete != c.gt_regions or c.pure != c.gt_regions:
            why.append("regions not complete and pure")
        if r.alignment and r.alignment[1] and (
                r.alignment[0] < ALIGN_MIN * r.alignment[1]):
            why.append("only %d/%d cells hold their text in poppler's words"
                       % tuple(r.alignment))
        if why:
            bad.append("%s: %s" % (r.name, "; ".join(why)))
    return bad


def synthetic_check():
    """Crop boxes off the origin under every /Rotate: the converted ground
    truth must hold poppler's words, in the nominal frame, and score 1.0.
    -> (lines to print, failures)."""
    lines, bad = [], []
    with tempfile.TemporaryDirectory(prefix="eval-icdar-") as d:
        setups = synthetic.write_dataset(d)
        docs, _ = groundtruth.discover(d)
        doc = docs[0]
        pages = pdf.read_pages(doc.pdf)
        words = pdf.read_words(doc.pdf)
        gt = groundtruth.load_document(d, doc, pages, words)[0]
        # Every word poppler reports must sit inside the converted box of
        # the cell it was drawn in (tolerance 0: exact arithmetic).
        for table in gt.tables:
            for cell in table.cells:
                if not cell.text:
                    continue
                hits = [wb for wb, wt in words.get(cell.page, [])
                        if wt == cell.text]
                if len(hits) != 1:
                    bad.append("synthetic page %d: %r found %d times"
                               % (cell.page, cell.text, len(hits)))
                    continue
                wb, cb = hits[0], cell.box
                cx, cy = (wb[0] + wb[2]) / 2.0, (wb[1] + wb[3]) / 2.0
                if not (cb[0] <= cx <= cb[2] and cb[1] <= cy <= cb[3]):
                    bad.append("synthetic page %d: %r at %s, converted box %s"
                               % (cell.page, cell.text,
                                  [round(v, 1) for v in wb],
                                  [round(v, 1) for v in cb]))
        for note in gt.notes:
            if "'user'" not in note:
                bad.append("synthetic: chose a non-nominal frame: " + note)
        text = grids.from_ground_truth(gt, len(pages))
        found = grids.parse(text, len(pages))
        counts, _ = scoring.score(gt.tables, found, words)
        if (counts.det_f1 != 1.0 or counts.str_f1 != 1.0
                or counts.complete != counts.gt_regions
                or counts.pure != counts.gt_regions):
            bad.append("synthetic: scored %s" % counts.as_dict())
        desc = ", ".join("rot %d crop %s" % (rot, "at origin" if crop[:2] ==
                                             media[:2] else "offset")
                         for media, crop, rot in setups)
        lines.append("synthetic pages (%s): cells aligned %d/%d, "
                     "detection F1 %.3f, structure F1 %.3f (%d relations)"
                     % (desc, gt.alignment[0], gt.alignment[1],
                        counts.det_f1, counts.str_f1, counts.rel_expected))
    return lines, bad


# ----------------------------------------------------------------- floors

FLOORS_COMMENT = (
    "# Floors for tools/eval-icdar, tab-separated: document (PDF name, or "
    "TOTAL for the micro-averaged total), detection_f1, structure_f1 (0..1).\n"
    "# A score below its floor makes the run exit 1; tools/eval-icdar "
    "--update-floors raises floors to the current scores, never lowers them.")
FLOORS_HEADER = "document\tdetection_f1\tstructure_f1"


def read_floors(path):
    floors = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if fields[0] == "document":
                continue
            if len(fields) != 3:
                raise ValueError("%s:%d: expected 3 tab-separated fields"
                                 % (path, n))
            try:
                floors[fields[0]] = (float(fields[1]), float(fields[2]))
            except ValueError:
                raise ValueError("%s:%d: floors must be numbers" % (path, n))
    return floors


def write_floors(path, floors):
    names = sorted(k for k in floors if k != TOTAL)
    if TOTAL in floors:
        names.append(TOTAL)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(FLOORS_COMMENT + "\n" + FLOORS_HEADER + "\n")
        for k in names:
            f.write("%s\t%.4f\t%.4f\n" % (k, floors[k][0], floors[k][1]))


def _down4(v):
    # Stored floors never exceed the score they come from.
    return math.floor(v * 10000 + 1e-9) / 10000.0


def check_floors(floors, scores):
    """scores: {name: (det_f1, str_f1)} -> [failure lines]."""
    bad = []
    for name, (det, stru) in sorted(scores.items()):
        if name not in floors:
            continue
        fd, fs = floors[name]
        if det < fd - FLOOR_EPS:
            bad.append("%s: detection F1 %.4f below its floor %.4f"
                       % (name, det, fd))
        if stru < fs - FLOOR_EPS:
            bad.append("%s: structure F1 %.4f below its floor %.4f"
                       % (name, stru, fs))
    return bad


def raise_floors(floors, scores):
    out = dict(floors)
    for name, (det, stru) in scores.items():
        od, os_ = out.get(name, (0.0, 0.0))
        out[name] = (max(od, _down4(det)), max(os_, _down4(stru)))
    return out


# ----------------------------------------------------------------- report

def print_table(results, total, total_seconds, out=None):
    out = out or sys.stdout
    head = ("%-10s %4s %5s %5s  %5s %5s %5s  %17s  %5s %5s %5s  %7s  %s"
            % ("document", "gt", "found", "match", "det-P", "det-R", "det-F",
               "rel ok/found/exp", "str-P", "str-R", "str-F", "seconds",
               "note"))
    print(head, file=out)
    print("-" * len(head), file=out)

    def line(name, c, secs, note):
        rel = "%d/%d/%d" % (c.rel_correct, c.rel_found, c.rel_expected)
        print("%-10s %4d %5d %5d  %5.3f %5.3f %5.3f  %17s  %5.3f %5.3f %5.3f"
              "  %7.2f  %s" % (name, c.gt_regions, c.found_regions,
                               c.matched_regions, c.det_p, c.det_r, c.det_f1,
                               rel, c.str_p, c.str_r, c.str_f1, secs, note),
              file=out)

    for r in results:
        notes = []
        if r.error:
            notes.append("ERROR " + r.error)
        if r.alternatives:
            notes.append("best of %s: %s" % ("/".join(sorted(
                r.alternatives)), r.gt_used))
        if r.alignment:
            notes.append("text in boxes %d/%d" % tuple(r.alignment))
        line(r.name, r.counts, r.seconds, "; ".join(notes))
    print("-" * len(head), file=out)
    line(TOTAL, total, total_seconds,
         "complete %d/%d, pure %d/%d" % (total.complete, total.gt_regions,
                                         total.pure, total.gt_regions))
    print("total seconds: %.2f" % total_seconds, file=out)


def print_details(results, out=None, limit=20):
    out = out or sys.stdout
    for r in results:
        if not r.details:
            continue
        print("\n== %s (against %s)" % (r.name, r.gt_used), file=out)
        for reg in r.details["regions"]:
            f = reg["found"]
            if f is None:
                print("  region %s p%d %s: not found" % (
                    reg["gt_table"], reg["page"], reg["bbox"]), file=out)
            else:
                print("  region %s p%d %s: %s IoU %.3f%s%s" % (
                    reg["gt_table"], reg["page"], reg["bbox"], f["table"],
                    f["iou"], "" if f.get("complete", True) else
                    " incomplete", "" if f.get("pure", True) else " impure"),
                    file=out)
        for t in r.details["tables"]:
            if t["found_table"] is None:
                print("  table %s: unmatched, %d relations missed"
                      % (t["gt_table"], t["expected"]), file=out)
                continue
            print("  table %s ~ %s (IoU %.3f): %d correct of %d found, %d "
                  "expected" % (t["gt_table"], t["found_table"], t["iou"],
                                t["correct"], t["found"], t["expected"]),
                  file=out)
            for kind in ("missing", "extra"):
                rels = t[kind]
                for a, b, d in rels[:limit]:
                    print("    %-7s %s %s %s" % (kind, a, "->" if d ==
                                                 "right" else "v", b),
                          file=out)
                if len(rels) > limit:
                    print("    ... %d more %s" % (len(rels) - limit, kind),
                          file=out)
        for u in r.details["unmatched_found"]:
            print("  found %s %s: matches no table (%d relations)"
                  % (u["found_table"], u["regions"], u["relations"]),
                  file=out)


# ------------------------------------------------------------------- main

def main(argv=None):
    root = repo_root()
    args = parse_args(sys.argv[1:] if argv is None else argv, root)
    prog = "eval-icdar"

    if not os.path.isdir(args.data):
        print("%s: no dataset at %s (set BUDTAB_ICDAR_DIR or --data)"
              % (prog, args.data), file=sys.stderr)
        return EXIT_SETUP
    docs, orphans = groundtruth.discover(args.data)
    for o in orphans:
        print("%s: %s: ground truth without a PDF, skipped" % (prog, o),
              file=sys.stderr)
    if args.documents:
        wanted = set(args.documents)
        known = {d.name for d in docs} | {g for d in docs for g in d.gt_names}
        unknown = wanted - known
        if unknown:
            print("%s: unknown document(s): %s" % (prog, ", ".join(
                sorted(unknown))), file=sys.stderr)
            return EXIT_SETUP
        docs = [d for d in docs
                if d.name in wanted or wanted & set(d.gt_names)]
    if not docs:
        print("%s: no documents in %s" % (prog, args.data), file=sys.stderr)
        return EXIT_SETUP
    if (not args.self_check and not args.grids_dir
            and not os.access(args.budtab, os.X_OK)):
        print("%s: %s is not an executable (build budtab, or pass --budtab "
              "or --grids-dir)" % (prog, args.budtab), file=sys.stderr)
        return EXIT_SETUP

    t0 = time.monotonic()
    try:
        if args.self_check:
            results = self_check_results(args, docs)
        else:
            results = evaluate(args, docs)
    except pdf.ToolError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return EXIT_SETUP
    total_seconds = sum(r.seconds for r in results)
    total = scoring.Counts()
    for r in results:
        total.add(r.counts)

    mode = ("self-check: ground truth as budtab-grids/1" if args.self_check
            else "grids from %s" % args.grids_dir if args.grids_dir
            else "budtab: %s" % args.budtab)
    print("ICDAR 2013 EU, %d documents, %s (data: %s)"
          % (len(docs), mode, args.data))
    print_table(results, total, total_seconds)
    if args.details:
        print_details(results)

    failures = []
    extra_lines = []
    if args.self_check:
        failures = self_check_failures(results)
        lines, bad = synthetic_check()
        extra_lines.extend(lines)
        failures.extend(bad)
        for r in results:
            extra_lines.extend("note: " + n for n in r.notes)

    report = {"mode": "self-check" if args.self_check else
              "grids-dir" if args.grids_dir else "budtab",
              "data": args.data, "budtab": None if (
                  args.self_check or args.grids_dir) else args.budtab,
              "documents": [r.as_dict() for r in results],
              "total": total.as_dict(),
              "total_seconds": round(total_seconds, 3),
              "wall_seconds": round(time.monotonic() - t0, 3)}

    full_run = not args.documents
    if args.floors and not args.self_check:
        scores = {r.name: (r.counts.det_f1, r.counts.str_f1) for r in results}
        if full_run:
            scores[TOTAL] = (total.det_f1, total.str_f1)
        floors = {}
        if os.path.exists(args.floors):
            try:
                floors = read_floors(args.floors)
            except (OSError, ValueError) as e:
                print("%s: %s" % (prog, e), file=sys.stderr)
                return EXIT_SETUP
        elif not args.update_floors:
            print("%s: no floors file %s" % (prog, args.floors),
                  file=sys.stderr)
            return EXIT_SETUP
        failures = check_floors(floors, scores)
        if full_run:
            names = {r.name for r in results} | {TOTAL}
            for k in sorted(set(floors) - names):
                extra_lines.append("warning: floor for unknown document %s"
                                   % k)
        if args.update_floors:
            new = raise_floors(floors, scores)
            write_floors(args.floors, new)
            raised = sorted(k for k in new if new[k] != floors.get(k))
            extra_lines.append("floors: %s: raised %d (%s)" % (
                args.floors, len(raised), ", ".join(raised) or "none"))
        report["floors"] = {"file": args.floors, "failures": failures}

    for ln in extra_lines:
        print(ln)
    if args.json:
        report["failures"] = failures
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=1)
            f.write("\n")
    if failures:
        what = "self-check failed" if args.self_check else "below floor"
        for ln in failures:
            print("%s: %s" % (what, ln), file=sys.stderr)
        return EXIT_FAIL
    if args.self_check:
        print("self-check passed: detection and structure F1 1.0 on every "
              "ground truth")
    return EXIT_OK
