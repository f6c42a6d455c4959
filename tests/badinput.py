#!/usr/bin/env python3
"""The bad-input suite: inputs generated, not hand-picked.  Every corpus
PDF truncated at ten offsets, with seeded random byte flips, and with its
cross-reference table destroyed; empty, directory, non-PDF, encrypted and
scanned inputs; a 2,000-page document, a page of 100,000 glyphs and a
table of 1,000 rows (written at test time by genpdf); pattern files with
syntax errors; and every --max-* limit on the inputs that reach it.

Each case asserts the exit code, a one-line `budtab: FILE: reason`
message (warnings aside), no output file or a complete one (valid JSON),
peak RSS under a bound and wall time under a bound.  Prints TAP and
writes the matrix (case, exit, message, RSS, time) as TSV.

usage: badinput.py BUDTAB GENPDF MATRIX.tsv
BADINPUT_SCALE multiplies the RSS and time bounds, and BADINPUT_SAMPLE=N
keeps every Nth damaged PDF (sanitizer builds: several times slower)."""
import concurrent.futures as cf
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

budtab, genpdf, matrix_path = sys.argv[1:4]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
scale = float(os.environ.get("BADINPUT_SCALE", "1"))
sample = int(os.environ.get("BADINPUT_SAMPLE", "1"))
RSS_MIB = 300 * scale           # every case; the corpus peaks near 40 MiB
WALL_S = 60 * scale             # every case; --max-seconds is given below
MAX_SECONDS = str(int(30 * scale))
os.environ["BUDTAB_PATTERNS"] = os.path.join(root, "patterns")
tmp = tempfile.mkdtemp(prefix="budtab-badinput-")
# Lines third-party libraries print themselves, bypassing budtab: poppler-
# glib 22.02's cairo font engine writes this with fprintf when a damaged
# font does not load (no API silences it).  Counted, reported in the
# matrix, not held against budtab.
FOREIGN = {"some font thing failed"}
results = []


def measured(args, timeout):
    """Runs budtab in a fresh Python child, so that RUSAGE_CHILDREN is
    this case's alone: exit code, stderr lines, peak RSS (MiB), seconds."""
    code = ("import resource,subprocess,sys,time,json;"
            "t=time.monotonic();"
            "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE,timeout=%r);"
            "r=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps([p.returncode,p.stderr.decode('utf-8','replace'),r.ru_maxrss/1024,time.monotonic()-t]))"
            % timeout)
    try:
        out = subprocess.run([sys.executable, "-c", code, budtab] + args,
                             capture_output=True, timeout=timeout + 10)
        rc, err, rss, secs = json.loads(out.stdout)
        return rc, err.splitlines(), rss, secs
    except (subprocess.TimeoutExpired, ValueError):
        return None, ["(over %d s)" % timeout], 0.0, float(timeout)


def case(name, args, want, message=None, output=None, check=None):
    """want: allowed exit codes; message: regex the one error line must
    match (None: no error line); output: path given with -o."""
    def go():
        if output and os.path.exists(output):
            os.unlink(output)
        rc, err, rss, secs = measured(args, WALL_S)
        foreign = sum(1 for l in err if l in FOREIGN)
        err = [l for l in err if l not in FOREIGN]
        problems = []
        errors = [l for l in err if ": warning: " not in l]
        if rc not in want:
            problems.append("exit %s, want %s" % (rc, "/".join(map(str, want))))
        if len(errors) > 1:
            problems.append("%d error lines" % len(errors))
        if any(not l.startswith("budtab: ") for l in err):
            problems.append("a line that is not budtab's: %r" % next(
                l for l in err if not l.startswith("budtab: ")))
        if rc == 1 and len(errors) != 1:
            problems.append("exit 1 without its one message")
        if message and rc is not None and rc != 0 and not (
                errors and re.search(message, errors[0])):
            problems.append("message %r does not match %r" % (errors[:1], message))
        if output:
            if rc == 0:
                try:
                    json.load(open(output, encoding="utf-8"))
                except (OSError, ValueError) as e:
                    problems.append("output not complete JSON: %s" % e)
            elif os.path.exists(output):
                problems.append("an output file after a failure")
            left = [f for f in os.listdir(os.path.dirname(output))
                    if f.startswith(os.path.basename(output) + ".")]
            if left:
                problems.append("temporary files left: %s" % left)
        if rss > RSS_MIB:
            problems.append("peak RSS %.0f MiB over %.0f" % (rss, RSS_MIB))
        if secs > WALL_S:
            problems.append("%.1f s over %.0f" % (secs, WALL_S))
        if check and rc == 0 and not problems:
            problems += check(output)
        msg = errors[0] if errors else (err[0] if err else "")
        if foreign:
            msg += " [+%d poppler line%s]" % (foreign, "s" if foreign > 1 else "")
        return name, rc, msg, rss, secs, problems
    return go


jobs = []
corpus = sorted(glob.glob(os.path.join(root, "corpus", "*.pdf")))


def damaged(pdf, kind, data):
    d = os.path.join(tmp, kind)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, os.path.basename(pdf))
    with open(path, "wb") as f:
        f.write(data)
    return path


def destroy_xref(data):
    """Blanks the cross-reference section startxref points at (a table or
    a stream object) and the offset itself."""
    b = bytearray(data)
    at = data.rfind(b"startxref")
    m = re.match(rb"startxref\s+(\d+)", data[at:]) if at >= 0 else None
    if m:
        off = int(m.group(1))
        end = min(len(b), off + 1024, at)
        b[off:end] = b"x" * (end - off)
        s, e = at + m.start(1), at + m.end(1)
        b[s:e] = b"9" * (e - s)
    return bytes(b)


n_damaged = 0
for pdf in corpus:
    data = open(pdf, "rb").read()
    base = os.path.basename(pdf)[:-4]
    variants = []
    for k in range(1, 11):
        variants.append(("cut%02d" % k, data[:len(data) * k // 11]))
    for s in range(1, 4):
        rnd = random.Random("%s:%d" % (base, s))   # seeded: the same every run
        b = bytearray(data)
        for _ in range(16):
            b[rnd.randrange(len(b))] ^= rnd.randrange(1, 256)
        variants.append(("flip%d" % s, bytes(b)))
    variants.append(("noxref", destroy_xref(data)))
    for kind, blob in variants:
        n_damaged += 1
        if (n_damaged - 1) % sample:
            continue
        path = damaged(pdf, kind, blob)
        out = os.path.join(tmp, "out-%s-%s.json" % (kind, base))
        jobs.append(case("%s %s" % (base, kind),
                         ["extract", "-q", "--max-seconds", MAX_SECONDS, path, "-o", out],
                         (0, 1), r"^budtab: %s: " % re.escape(path), out))

# Inputs that are not documents.
empty = os.path.join(tmp, "empty.pdf")
open(empty, "wb").close()
notpdf = os.path.join(tmp, "text.pdf")
open(notpdf, "w").write("hello, not a pdf\n")
dirpdf = os.path.join(tmp, "dir.pdf")
os.mkdir(dirpdf)
enc = os.path.join(root, "tests/data/source_pdf/encrypted.pdf")
scanned = os.path.join(root, "tests/data/cli/scanned.pdf")
o = lambda n: os.path.join(tmp, n + ".json")
jobs += [
    case("zero-byte file", ["extract", empty, "-o", o("empty")], (1,), r": empty file$", o("empty")),
    case("directory", ["extract", dirpdf, "-o", o("dir")], (1,), r": is a directory$", o("dir")),
    case("non-PDF named .pdf", ["extract", notpdf, "-o", o("notpdf")], (1,), r": not a PDF file", o("notpdf")),
    case("encrypted, no password", ["extract", enc, "-o", o("enc1")], (1,), r": encrypted: a password is needed$", o("enc1")),
    case("encrypted, wrong password", ["extract", "--password", "nope", enc, "-o", o("enc2")], (1,), r": encrypted: wrong password$", o("enc2")),
    case("encrypted, --password", ["extract", "--password", "secret", enc, "-o", o("enc3")], (0,), None, o("enc3")),
    case("scanned page, no text layer", ["extract", scanned, "-o", o("scan")], (0,), None, o("scan")),
]

# Pattern files that do not load: exit 2, file:line and PCRE2's message.
bad_patterns = {
    "paren": ("# a comment\n\nkey.one   ^(abc$\n", r"bad\.pat:3: missing closing parenthesis at offset 6$"),
    "quantifier": ("key   *abc\n", r"bad\.pat:1: quantifier does not follow a repeatable item at offset 0$"),
    "class": ("a  x\nb   [z-a]\n", r"bad\.pat:2: range out of order in character class at offset 3$"),
    "nopattern": ("lonely\n", r"bad\.pat:1: key 'lonely' has no pattern$"),
    "toolong": ("k " + "a" * 5000 + "\n", r"bad\.pat:1: over the limit \(4096 bytes"),
    "notutf8": (b"k \xff\xfe\n", r"bad\.pat: not UTF-8 text$"),
}
seed = os.path.join(root, "corpus", "rl-hrules-wqy.pdf")
for name, (text, msg) in bad_patterns.items():
    d = os.path.join(tmp, "patterns-" + name)
    os.mkdir(d)
    with open(os.path.join(d, "bad.pat"), "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    jobs.append(case("pattern file: " + name, ["extract", "--patterns", d, seed, "-o", o("pat-" + name)],
                     (2,), r"^budtab: .*" + msg, o("pat-" + name)))

# Big documents, made now, and every limit on the input that reaches it.
big = {}
for kind, n in (("pages", 2000), ("glyphs", 100000), ("rows", 1000)):
    big[kind] = os.path.join(tmp, "%s-%d.pdf" % (kind, n))
    subprocess.run([genpdf, kind, str(n), big[kind]], check=True)


def rows_1000(path):
    tabs = json.load(open(path))["tables"]
    return [] if [(t["rows"], t["cols"]) for t in tabs] == [(1000, 3)] else \
        ["tables %s, want one of 1000 x 3" % [(t["rows"], t["cols"]) for t in tabs]]


dump = os.path.join(root, "tests/data/text/huailai-2024-zrzy.layout.txt")
jobs += [
    case("2,000 pages", ["extract", big["pages"], "-o", o("pages")], (0,), None, o("pages")),
    case("2,000 pages, --max-pages 1000", ["extract", "--max-pages", "1000", big["pages"], "-o", o("pages2")],
         (1,), r": 2000 pages is over the limit of 1000 \(--max-pages\)$", o("pages2")),
    case("2,000 pages, --max-seconds 1", ["extract", "--max-seconds", "1", big["pages"], "-o", o("pages3")],
         (1,), r": time limit of 1 s reached at page \d+ \(--max-seconds\)$", o("pages3")),
    case("100,000 glyphs on a page", ["extract", big["glyphs"], "-o", o("glyphs")], (0,), None, o("glyphs")),
    case("100,000 glyphs, --max-glyphs 50000", ["extract", "--max-glyphs", "50000", big["glyphs"], "-o", o("glyphs2")],
         (1,), r": page 1 has more than 50000 glyphs \(--max-glyphs\)$", o("glyphs2")),
    case("1,000-row table", ["grids", big["rows"], "-o", o("rows")], (0,), None, o("rows"), rows_1000),
    case("1,000-row table, --max-cells 2000", ["grids", "--max-cells", "2000", big["rows"], "-o", o("rows2")],
         (1,), r": page 1: a table of 1000 x 3 cells is over the limit of 2000 cells \(--max-cells\)$", o("rows2")),
    case("text dump, --max-pages 1", ["extract", "--input", "text", "--max-pages", "1", dump, "-o", o("t1")],
         (1,), r": more than 1 pages \(--max-pages\)$", o("t1")),
    case("text dump, --max-glyphs 100", ["extract", "--input", "text", "--max-glyphs", "100", dump, "-o", o("t2")],
         (1,), r"more than 100 characters \(--max-glyphs\)$", o("t2")),
    case("text dump, --max-seconds 0.001", ["extract", "--input", "text", "--max-seconds", "0.001", dump, "-o", o("t3")],
         (1,), r": time limit of 0.001 s reached at page \d+ \(--max-seconds\)$", o("t3")),
]

t0 = time.monotonic()
with cf.ThreadPoolExecutor(max_workers=int(os.environ.get("BADINPUT_JOBS", "2"))) as ex:
    results = list(ex.map(lambda j: j(), jobs))
fails = 0
with open(matrix_path, "w", encoding="utf-8") as m:
    m.write("case\texit\tmessage\trss_mib\tseconds\n")
    for i, (name, rc, msg, rss, secs, problems) in enumerate(results, 1):
        m.write("%s\t%s\t%s\t%.0f\t%.2f\n" % (name, rc, msg.replace(tmp, "$TMP"), rss, secs))
        if problems:
            fails += 1
            print("not ok %d - %s" % (i, name))
            for p in problems:
                print("# " + p)
        else:
            print("ok %d - %s (exit %s, %.0f MiB, %.1f s)" % (i, name, rc, rss, secs))
print("# %d cases in %.0f s; peak RSS %.0f MiB, slowest %.1f s; matrix in %s" % (
    len(results), time.monotonic() - t0, max(r[3] for r in results),
    max(r[4] for r in results), matrix_path))
print("1..%d" % len(results))
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if fails else 0)
