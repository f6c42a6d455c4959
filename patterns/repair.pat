# Repairs of text dumps (budtab extract FILE.txt): what damaged text looks
# like and what it stands for.  Used only for text input, after the
# tables are read and before and after the records are made.  Every
# repair that changes what was read leaves a warning on the document.
#
# The repairs lean on the other pattern files too: a cell split over two
# columns is put back together when the joined text is a column header
# (col.*), a field label (label.*), a level (level1, under.*), a period or
# a percentage (period, percent) or a project code (repair.shape.code),
# and a merged 一级指标 is given to the rows its 二级指标 can only stand
# under (under.*).
#
# KEYS
#
# repair.shape.code: the shape of a whole project code (项目编码).  Two
#   cells beside the code's label that only together take this shape are
#   one code cut in two.
# repair.junction.debris: a character standing where a dump cut a cell in
#   two (a piece of a glyph the cut went through, a stray mark).  It may
#   be dropped when the text joined without it is known vocabulary, or
#   when the document states the joined words elsewhere without it.
# repair.complete.SUFFIX: a level label (二级指标) a dump cut short; when
#   this matches its key form, SUFFIX is appended if that gives a known
#   level (an under.* or level1 pattern matches the result).
# repair.period.garbled: a period label of the spending schedule whose
#   月 a dump garbled (3)]底, 3)).  Group month is the month; the label
#   is rebuilt as the other labels of its row are written (N月底).
# repair.debris.cell: a cell holding nothing that a table could print:
#   dropped as debris.
# repair.caption.name: the project name a caption states (group name),
#   used when a table's 项目名称 cell is cut short or garbled.
# repair.contents.entry: an entry of the table of contents naming a
#   performance-goal table (group num: its list number, group title: the
#   caption, without the page number after it).
# repair.target.start: where a 指标值 starts after debris a dump put in
#   front of it (a watermark's letter): group start; the key form of the
#   cell from there on must parse as a target value.
repair.shape.code          ^[0-9]{6,12}[A-Z][0-9A-Z]{6,14}$
repair.junction.debris     ^[^0-9A-Za-z%.]$
repair.complete.标         指$
repair.complete.指标       (效益|满意度|影响|数量|质量|时效|成本)$
repair.period.garbled      ^(?<month>1[0-2]|[1-9])[^0-9A-Za-z\p{Han}]{0,3}(?<end>底|末)?$
repair.debris.cell         ^[\p{P}\p{S}]+$
repair.caption.name        ^(?<name>.+?)(绩效目标(表|申报表)?|目标表)$
repair.contents.entry      ^(?<num>[0-9]{1,3})[.、．](?<title>.+?(绩效目标(表|申报表)?|目标表))[0-9]{0,4}$
repair.target.start        (?<start>≥|≤|≧|≦|>=|<=|=|>|<|大于|小于|不低于|不高于|不少于|不超过|[0-9])
# repair.under.NAME: a 二级指标 that stands under the 一级指标 NAME when a
#   dump leaves the merged label's reach in doubt (used like under.*, by
#   the repairs only: 成本指标 may also be a 一级指标 of its own, printed as
#   such).
repair.under.产出指标       ^成本指标$
