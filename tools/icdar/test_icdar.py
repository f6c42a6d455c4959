"""Tests of tools/eval-icdar: python3 -m unittest discover -s tools/icdar

The end-to-end tests need poppler-utils (pdfinfo, pdftotext); they run on
a synthetic dataset written to a temporary directory, so the ICDAR files
are not needed.
"""

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from icdar import cli, grids, groundtruth, pdf, scoring, synthetic  # noqa

HAVE_POPPLER = bool(shutil.which("pdfinfo") and shutil.which("pdftotext"))


def C(r0, c0, text, rs=1, cs=1):
    return scoring.Cell(r0, r0 + rs - 1, c0, c0 + cs - 1, text)


class PageGeometry(unittest.TestCase):
    def corners(self, rot):
        # Crop box 100 wide, 200 high, off the origin.
        page = pdf.Page(1, (0, 0, 300, 400), (10, 20, 110, 220), rot)
        return page, {name: page.user_to_display(x, y) for name, (x, y) in {
            "bl": (10, 20), "tl": (10, 220), "br": (110, 20)}.items()}

    def test_no_rotation_flips_y_from_the_crop_box(self):
        page, c = self.corners(0)
        self.assertEqual(page.display_size, (100, 200))
        self.assertEqual(c, {"bl": (0, 200), "tl": (0, 0), "br": (100, 200)})

    def test_rotate_90_turns_clockwise(self):
        page, c = self.corners(90)
        self.assertEqual(page.display_size, (200, 100))
        self.assertEqual(c, {"bl": (0, 0), "tl": (200, 0), "br": (0, 100)})

    def test_rotate_180(self):
        page, c = self.corners(180)
        self.assertEqual(c, {"bl": (100, 0), "tl": (100, 200), "br": (0, 0)})

    def test_rotate_270(self):
        page, c = self.corners(270)
        self.assertEqual(page.display_size, (200, 100))
        self.assertEqual(c, {"bl": (200, 100), "tl": (0, 100),
                             "br": (200, 0)})

    def test_pdfinfo_output_is_read_per_page(self):
        text = ("Pages:           2\n"
                "Page    1 size:  595 x 842 pts (A4)\n"
                "Page    1 rot:   90\n"
                "Page    2 size:  595 x 842 pts (A4)\n"
                "Page    2 rot:   0\n"
                "Page    1 MediaBox:      0.00     0.00   595.00   842.00\n"
                "Page    1 CropBox:      10.00    20.00   585.00   800.00\n"
                "Page    2 MediaBox:      0.00     0.00   595.00   842.00\n"
                "Page    2 CropBox:       0.00     0.00   595.00   842.00\n")
        pages = pdf.parse_pdfinfo_boxes(text)
        self.assertEqual(pages[1].rot, 90)
        self.assertEqual(pages[1].crop, (10, 20, 585, 800))
        self.assertTrue(pages[1].differs_from_plain())
        self.assertFalse(pages[2].differs_from_plain())


class Relations(unittest.TestCase):
    def test_two_by_two_has_four_relations(self):
        rel = scoring.relations([C(0, 0, "a"), C(0, 1, "b"),
                                 C(1, 0, "c"), C(1, 1, "d")])
        self.assertEqual(rel, {("a", "b", "right"): 1, ("c", "d", "right"): 1,
                               ("a", "c", "below"): 1, ("b", "d", "below"): 1})

    def test_spanning_header_relates_to_every_column_below(self):
        rel = scoring.relations([C(0, 0, "head", cs=2), C(1, 0, "x"),
                                 C(1, 1, "y")])
        self.assertEqual(rel, {("head", "x", "below"): 1,
                               ("head", "y", "below"): 1,
                               ("x", "y", "right"): 1})

    def test_spanning_label_relates_to_every_row_beside(self):
        rel = scoring.relations([C(0, 0, "L", rs=2), C(0, 1, "p"),
                                 C(1, 1, "q")])
        self.assertEqual(rel, {("L", "p", "right"): 1,
                               ("L", "q", "right"): 1,
                               ("p", "q", "below"): 1})

    def test_empty_cells_are_skipped_over(self):
        rel = scoring.relations([C(0, 0, "a"), C(0, 1, " "), C(0, 2, None),
                                 C(0, 3, "b")])
        self.assertEqual(rel, {("a", "b", "right"): 1})

    def test_content_is_folded_and_counted_as_a_multiset(self):
        rel = scoring.relations([C(0, 0, "１ 2"), C(0, 1, "x\ny"),
                                 C(1, 0, "12"), C(1, 1, "xy")])
        self.assertEqual(rel[("12", "xy", "right")], 2)

    def test_pair_counted_once_when_both_span_the_same_rows(self):
        rel = scoring.relations([C(0, 0, "a", rs=2), C(0, 1, "b", rs=2)])
        self.assertEqual(rel, {("a", "b", "right"): 1})


def frag(page, bbox, cells, rows=None, cont=None):
    t = {"page": page, "bbox": bbox, "continues": cont, "cells": cells}
    if rows is not None:
        t["rows"] = rows
    return t


def doc(*tables):
    return json.dumps({"format": "budtab-grids/1", "tables": list(tables)})


def cell(r, c, text, rs=1, cs=1):
    return {"row": r, "col": c, "rowspan": rs, "colspan": cs, "text": text}


class GridsParsing(unittest.TestCase):
    def test_continued_fragment_rows_follow_the_previous_page(self):
        tables = grids.parse(doc(
            frag(1, [0, 0, 10, 10], [cell(0, 0, "h"), cell(1, 0, "a")],
                 rows=3),
            frag(2, [0, 0, 10, 10], [cell(0, 0, "b")], cont=0)))
        self.assertEqual(len(tables), 1)
        t = tables[0]
        self.assertEqual(t.regions, [(1, (0, 0, 10, 10)), (2, (0, 0, 10, 10))])
        self.assertEqual([(c.row0, c.text) for c in t.cells],
                         [(0, "h"), (1, "a"), (3, "b")])
        self.assertEqual(t.relations[("a", "b", "below")], 1)

    def test_rows_default_to_the_cells_extent(self):
        t = grids.parse(doc(
            frag(1, [0, 0, 1, 1], [cell(0, 0, "a", rs=2)]),
            frag(2, [0, 0, 1, 1], [cell(0, 0, "b")], cont=0)))[0]
        self.assertEqual(t.cells[1].row0, 2)

    def test_invalid_output_is_rejected_with_a_reason(self):
        bad = [
            "[]",
            json.dumps({"format": "budtab/1", "tables": []}),
            doc(frag(1, [0, 0, 1, 1], [], cont=0)),
            doc(frag(1, [0, 0, 1, 1], []), frag(1, [0, 0, 1, 1], [], cont=1)),
            doc(frag(0, [0, 0, 1, 1], [])),
            doc(frag(1, [5, 0, 1, 1], [])),
            doc(frag(1, [0, 0, 1, 1], [cell(0, 0, "a"), cell(0, 0, "b")])),
            doc(frag(1, [0, 0, 1, 1], [cell(True, 0, "a")])),
            doc(frag(1, [0, 0, 1, 1], [cell(0, 0, 5)])),
            doc(frag(1, [0, 0, 1, 1], [cell(0, 0, "a", rs=0)])),
            doc(frag(1, [0, 0, 1, 1], [cell(3, 0, "a")], rows=2)),
            doc(frag(1, [0, 0, 1, 1], []), frag(2, [0, 0, 1, 1], [], cont=0),
                frag(3, [0, 0, 1, 1], [], cont=0)),
        ]
        for text in bad:
            with self.assertRaises(grids.GridsError, msg=text):
                grids.parse(text)

    def test_page_beyond_the_document_is_rejected(self):
        with self.assertRaises(grids.GridsError):
            grids.parse(doc(frag(3, [0, 0, 1, 1], [])), page_count=2)


class Scoring(unittest.TestCase):
    def table(self, label, page, box, cells):
        return scoring.Table(label, [(page, box)], cells)

    def test_unmatched_tables_count_in_the_denominators(self):
        gt = [self.table("g1", 1, (0, 0, 100, 100),
                         [C(0, 0, "a"), C(0, 1, "b")]),
              self.table("g2", 2, (0, 0, 100, 100),
                         [C(0, 0, "c"), C(1, 0, "d")])]
        found = [self.table("f1", 1, (0, 0, 100, 90),
                            [C(0, 0, "a"), C(0, 1, "b")]),
                 self.table("f2", 3, (0, 0, 100, 100),
                            [C(0, 0, "x"), C(0, 1, "y")])]
        c, details = scoring.score(gt, found)
        self.assertEqual((c.matched_regions, c.gt_regions, c.found_regions),
                         (1, 2, 2))
        self.assertEqual((c.rel_correct, c.rel_found, c.rel_expected),
                         (1, 2, 2))
        self.assertEqual(details["unmatched_found"][0]["found_table"], "f2")

    def test_detection_needs_iou_of_one_half_on_the_same_page(self):
        gt = [self.table("g", 1, (0, 0, 100, 100), [])]
        just = [self.table("f", 1, (0, 0, 100, 50), [])]
        below = [self.table("f", 1, (0, 0, 100, 49), [])]
        other_page = [self.table("f", 2, (0, 0, 100, 100), [])]
        self.assertEqual(scoring.score(gt, just)[0].matched_regions, 1)
        self.assertEqual(scoring.score(gt, below)[0].matched_regions, 0)
        self.assertEqual(scoring.score(gt, other_page)[0].matched_regions, 0)

    def test_completeness_and_purity_use_the_words(self):
        gt = [self.table("g", 1, (0, 0, 100, 100), [])]
        words = {1: [((10, 10, 20, 20), "in"), ((10, 95, 20, 105), "edge"),
                     ((10, 120, 20, 130), "out")]}
        tight = [self.table("f", 1, (0, 0, 100, 90), [])]
        loose = [self.table("f", 1, (0, 0, 100, 140), [])]
        c, _ = scoring.score(gt, tight, words)
        self.assertEqual((c.complete, c.pure), (0, 1))
        c, _ = scoring.score(gt, loose, words)
        self.assertEqual((c.complete, c.pure), (1, 0))

    def test_empty_document_with_empty_answer_is_perfect(self):
        c, _ = scoring.score([], [])
        self.assertEqual((c.det_f1, c.str_f1), (1.0, 1.0))

    def test_nothing_found_scores_zero(self):
        gt = [self.table("g", 1, (0, 0, 1, 1), [C(0, 0, "a"), C(0, 1, "b")])]
        c, _ = scoring.score(gt, [])
        self.assertEqual((c.det_f1, c.str_f1), (0.0, 0.0))


class Floors(unittest.TestCase):
    def test_floors_rise_and_never_fall(self):
        old = {"a": (0.5, 0.9), "b": (0.7, 0.7)}
        new = cli.raise_floors(old, {"a": (0.66666, 0.8), "c": (1.0, 1.0)})
        self.assertEqual(new, {"a": (0.6666, 0.9), "b": (0.7, 0.7),
                               "c": (1.0, 1.0)})

    def test_a_score_at_its_floor_passes_and_below_fails(self):
        floors = {"a": (0.6666, 0.9)}
        self.assertEqual(cli.check_floors(floors, {"a": (2 / 3, 0.9)}), [])
        bad = cli.check_floors(floors, {"a": (0.6, 0.95)})
        self.assertEqual(len(bad), 1)
        self.assertIn("detection", bad[0])

    def test_floors_file_round_trips(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "f.tsv")
            cli.write_floors(path, {"TOTAL": (0.5, 0.25), "eu-001": (1, 0)})
            self.assertEqual(cli.read_floors(path),
                             {"TOTAL": (0.5, 0.25), "eu-001": (1.0, 0.0)})
            with open(path) as f:
                lines = f.read().splitlines()
            self.assertTrue(lines[0].startswith("#"))
            self.assertIn(cli.FLOORS_HEADER, lines)
            self.assertEqual(lines[-1], "TOTAL\t0.5000\t0.2500")


def write_icdar(directory, name, tables):
    """tables: [[(page, region box, row-increment, [(row, col, box, text)])]]
    with boxes (x0, y0, x1, y1) as the files give them."""
    def bb(b):
        return ('<bounding-box x1="%g" y1="%g" x2="%g" y2="%g"/>' % b)
    s, r = ["<document>"], ["<document>"]
    for tid, regions in enumerate(tables, 1):
        s.append('<table id="%d">' % tid)
        r.append('<table id="%d">' % tid)
        for rid, (page, box, rinc, cells) in enumerate(regions, 1):
            s.append('<region id="%d" page="%d" row-increment="%d" '
                     'col-increment="0">' % (rid, page, rinc))
            for row, col, cbox, text in cells:
                s.append('<cell start-row="%d" start-col="%d">%s<content>%s'
                         '</content></cell>' % (row, col, bb(cbox), text))
            s.append("</region>")
            r.append('<region id="%d" page="%d">%s</region>'
                     % (rid, page, bb(box)))
        s.append("</table>")
        r.append("</table>")
    for suffix, lines in (("-str.xml", s), ("-reg.xml", r)):
        with open(os.path.join(directory, name + suffix), "w") as f:
            f.write("\n".join(lines + ["</document>"]))


@unittest.skipUnless(HAVE_POPPLER, "needs pdfinfo and pdftotext")
class GroundTruthFrames(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="eval-icdar-test-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def load(self, name):
        doc = [d for d in groundtruth.discover(self.dir)[0]
               if d.name == name][0]
        pages = pdf.read_pages(doc.pdf)
        words = pdf.read_words(doc.pdf)
        return (groundtruth.load_document(self.dir, doc, pages, words)[0],
                pages, words)

    def word_box(self, x, y, text):
        return (x, y, x + synthetic.text_width(text), y + synthetic.ASCENT)

    def test_table_over_two_pages_is_one_logical_table(self):
        page = {"media": (0, 0, 612, 792), "crop": (0, 0, 612, 792),
                "rot": 0}
        words1 = [(100, 700, "HEAD"), (100, 680, "AONE")]
        words2 = [(100, 700, "BTWO")]
        synthetic.write_pdf(os.path.join(self.dir, "two.pdf"),
                            [dict(page, words=words1),
                             dict(page, words=words2)])
        cells1 = [(i, 0, self.word_box(*w), w[2])
                  for i, w in enumerate(words1)]
        cells2 = [(0, 0, self.word_box(*words2[0]), "BTWO")]
        write_icdar(self.dir, "two", [[
            (1, (90, 670, 200, 720), 0, cells1),
            (2, (90, 690, 200, 720), 2, cells2)]])
        gt, pages, words = self.load("two")
        self.assertEqual(len(gt.tables), 1)
        self.assertEqual(gt.alignment, (3, 3))
        self.assertEqual(gt.tables[0].relations[("AONE", "BTWO", "below")], 1)
        out = json.loads(grids.from_ground_truth(gt, len(pages)))
        self.assertEqual([t["continues"] for t in out["tables"]], [None, 0])
        found = grids.parse(json.dumps(out), len(pages))
        c, _ = scoring.score(gt.tables, found, words)
        self.assertEqual((c.det_f1, c.str_f1, c.rel_expected), (1.0, 1.0, 2))

    def test_rotated_page_in_the_displayed_frame_is_recognised(self):
        # As eu-015: cells in the displayed frame with y flipped by the
        # unrotated height, the region with y flipped by the displayed one.
        synthetic.write_pdf(os.path.join(self.dir, "rot.pdf"), [{
            "media": (0, 0, 595, 842), "crop": (0, 0, 595, 842), "rot": 90,
            "words": [(100, 200, "ALPHA"), (100, 300, "BETA"),
                      (150, 200, "GAMMA")]}])
        page = pdf.read_pages(os.path.join(self.dir, "rot.pdf"))[1]
        cells = []
        for row, col, (x, y, text) in ((0, 0, (100, 200, "ALPHA")),
                                       (0, 1, (100, 300, "BETA")),
                                       (1, 0, (150, 200, "GAMMA"))):
            d = page.user_box_to_display(self.word_box(x, y, text))
            cells.append((row, col, (d[0], 842 - d[3], d[2], 842 - d[1]),
                          text))
        xs = [c[2][0] for c in cells] + [c[2][2] for c in cells]
        ys = [842 - c[2][1] for c in cells] + [842 - c[2][3] for c in cells]
        region = (min(xs) - 2, 595 - max(ys) - 2, max(xs) + 2,
                  595 - min(ys) + 2)
        write_icdar(self.dir, "rot", [[(1, region, 0, cells)]])
        gt, pages, words = self.load("rot")
        self.assertEqual(gt.alignment, (3, 3))
        self.assertTrue(any("'display-x/unrotated-height'" in n
                            for n in gt.notes), gt.notes)
        self.assertTrue(any("region read in frame 'display'" in n
                            for n in gt.notes), gt.notes)
        (pno, box), = gt.tables[0].regions
        for cell in gt.tables[0].cells:
            self.assertLess(box[0], cell.box[0])
            self.assertLess(box[1], cell.box[1])
            self.assertGreater(box[2], cell.box[2])
            self.assertGreater(box[3], cell.box[3])

    def test_alternative_ground_truths_share_one_pdf(self):
        synthetic.write_dataset(self.dir, "alt-001a")
        shutil.copy(os.path.join(self.dir, "alt-001a-str.xml"),
                    os.path.join(self.dir, "alt-001b-str.xml"))
        shutil.copy(os.path.join(self.dir, "alt-001a-reg.xml"),
                    os.path.join(self.dir, "alt-001b-reg.xml"))
        docs, orphans = groundtruth.discover(self.dir)
        self.assertEqual(orphans, [])
        self.assertEqual([(d.name, d.gt_names) for d in docs],
                         [("alt-001a", ["alt-001a", "alt-001b"])])


@unittest.skipUnless(HAVE_POPPLER, "needs pdfinfo and pdftotext")
class EndToEnd(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="eval-icdar-test-")
        self.data = os.path.join(self.dir, "data")
        os.mkdir(self.data)
        synthetic.write_dataset(self.data, "syn-001")
        docs, _ = groundtruth.discover(self.data)
        self.doc = docs[0]
        self.pages = pdf.read_pages(self.doc.pdf)
        self.words = pdf.read_words(self.doc.pdf)
        self.gt = groundtruth.load_document(self.data, self.doc, self.pages,
                                            self.words)[0]
        self.grids = json.loads(grids.from_ground_truth(self.gt,
                                                        len(self.pages)))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_cli(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli.main(["--data", self.data, "--no-floors"] + list(argv)
                          if "--floors" not in argv else
                          ["--data", self.data] + list(argv))
        return rc, out.getvalue(), err.getvalue()

    def fake_budtab(self, body):
        path = os.path.join(self.dir, "budtab")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body + "\n")
        os.chmod(path, 0o755)
        return path

    def write_grids(self, data):
        path = os.path.join(self.dir, "syn-001.json")
        with open(path, "w") as f:
            json.dump(data, f)
        return path

    def test_self_check_passes_on_rotated_and_cropped_pages(self):
        rc, out, err = self.run_cli("--self-check")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("self-check passed", out)

    def test_self_check_catches_a_wrong_conversion(self):
        real = pdf.Page.user_to_display
        try:
            # Forget the crop box: right only when it sits at the origin.
            pdf.Page.user_to_display = lambda p, x, y: (
                x, p.media[3] - y) if p.rot == 0 else real(p, x, y)
            lines, bad = cli.synthetic_check()
        finally:
            pdf.Page.user_to_display = real
        self.assertTrue(bad)

    def test_budtab_output_is_scored(self):
        self.write_grids(self.grids)
        budtab = self.fake_budtab('[ "$1" = grids ] && [ "$4" = json ] && '
                                  'cat "%s/syn-001.json"' % self.dir)
        rc, out, err = self.run_cli("--budtab", budtab)
        self.assertEqual(rc, 0, out + err)
        total = [ln for ln in out.splitlines() if ln.startswith("TOTAL")][0]
        self.assertIn("1.000 1.000 1.000", total)

    def test_crash_and_timeout_score_zero_and_do_not_stop_the_run(self):
        for body, what in (("kill -SEGV $$", "signal 11"),
                           ("sleep 20 & wait", "timed out"),
                           ("echo oops >&2; exit 4", "exit status 4: oops"),
                           ("echo '{\"format\": 1}'", "invalid output")):
            budtab = self.fake_budtab(body)
            rc, out, err = self.run_cli("--budtab", budtab, "--timeout", "1")
            self.assertEqual(rc, 0, out + err)
            self.assertIn(what, out)
            row = [ln for ln in out.splitlines()
                   if ln.startswith("syn-001")][0]
            self.assertIn("0.000 0.000 0.000", row)

    def test_grids_dir_floors_and_update(self):
        gd = os.path.join(self.dir, "grids")
        os.mkdir(gd)
        half = dict(self.grids)
        half["tables"] = self.grids["tables"][:3]
        with open(os.path.join(gd, "syn-001.json"), "w") as f:
            json.dump(half, f)
        floors = os.path.join(self.dir, "floors.tsv")
        cli.write_floors(floors, {"syn-001": (0.9, 0.0)})
        rc, out, err = self.run_cli("--grids-dir", gd, "--floors", floors)
        self.assertEqual(rc, 1)
        self.assertIn("syn-001: detection F1 0.6667 below its floor 0.9000",
                      err)
        cli.write_floors(floors, {"syn-001": (0.5, 0.0)})
        rc, out, err = self.run_cli("--grids-dir", gd, "--floors", floors,
                                    "--update-floors",
                                    "--json", os.path.join(self.dir, "r.json"))
        self.assertEqual(rc, 0, out + err)
        got = cli.read_floors(floors)
        self.assertEqual(got["syn-001"][0], 0.6666)
        self.assertGreater(got["syn-001"][1], 0.0)
        self.assertIn("TOTAL", got)
        with open(os.path.join(self.dir, "r.json")) as f:
            report = json.load(f)
        self.assertEqual(report["documents"][0]["matched_regions"], 3)


if __name__ == "__main__":
    unittest.main()
