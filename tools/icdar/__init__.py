"""The ICDAR 2013 table competition evaluation behind tools/eval-icdar.

pdf.py          page boxes and rotation (pdfinfo), words (pdftotext -bbox
                -cropbox); conversion into displayed page space
groundtruth.py  NAME-str.xml / NAME-reg.xml -> tables in displayed space
grids.py        budtab-grids/1 -> tables, and ground truth -> budtab-grids/1
scoring.py      region detection and adjacency-relation structure measures
synthetic.py    small PDFs with crop boxes and rotations for the self-check
cli.py          options, running budtab, the report, floors

Decisions a reader of the numbers should know:

- Detection counts regions (one per page a table covers): correct when on
  the same page with IoU >= 0.5, one-to-one. Completeness/purity use the
  words poppler finds, as the competition used characters.
- Structure matches whole tables (budtab fragments joined by `continues`)
  by summed same-page overlap, best first; unmatched tables count all
  their relations as missed (ground truth) or wrong (found).
- Totals are micro-averages: sums of counts, then P/R/F1.
- A PDF with several ground truths (eu-009a.pdf: eu-009a with the spanning
  "Assignment Categories" row, eu-009b without it) scores against the
  alternative that gives the higher structure F1.
- Ground-truth boxes on rotated pages are not in unrotated user space in
  the published files (see groundtruth.py); the frame is measured against
  the PDF's words, and the self-check fails if cells stop holding them.
- Content is compared after NFKC and removing white space, nothing more:
  37 cells of eu-016..019 are lower-cased in the ground truth ("hungary"
  for the printed "Hungary"), which costs about 113 of 6310 relations even
  for a perfect extractor.

Tests of the pure parts and end-to-end runs on synthetic PDFs:
  python3 -m unittest discover -s tools/icdar
"""
