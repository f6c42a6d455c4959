"""The ICDAR 2013 table competition evaluation behind tools/eval-icdar.

pdf.py          page boxes and rotation (pdfinfo), words (pdftotext -bbox);
                conversion into displayed page space
groundtruth.py  NAME-str.xml / NAME-reg.xml -> tables in displayed space
grids.py        budtab-grids/1 -> tables, and ground truth -> budtab-grids/1
scoring.py      region detection and adjacency-relation structure measures
synthetic.py    small PDFs with crop boxes and rotations for the self-check
cli.py          options, running budtab, the report, floors

Tests of the pure parts: python3 -m unittest discover -s tools/icdar
"""
