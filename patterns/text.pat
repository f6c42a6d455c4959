# Text printed outside the tables.
# caption: the caption above a performance-goal table; the group title is
# what the record keeps (list numbering removed).
caption             ^(?:[0-9]+[.、．)]|[(][0-9]+[)])?(?<title>.*绩效目标(表|申报表)?)$
caption             ^(?:[0-9]+[.、．)]|[(][0-9]+[)])?(?<title>.*目标表)$
# unit.line: the budget unit line above a table (code and name).
unit.line           ^(?<code>[0-9]{3,12})(?<name>[^0-9].*)$
unit.line           ^(预算)?单位(名称)?[:：](?<name>.+)$
# doc.title: the document's title; year and department are read from it.
doc.title           ^(?<department>.+?)(?<year>20[0-9]{2})年度?(部门|单位)?(预算|决算).*$
# goal.start: a row of goals that starts with its number; rest is the
# goal.  A row (a line of its own in the table) may start "2.65岁…":
# there the number is the numbering, whatever digits follow.
goal.start          ^(?:[0-9]{1,2}[.、]|[(][0-9]{1,2}[)])(?<rest>.*)$
# goal.item: where one numbered goal starts inside running text (the
# numbering is dropped).
goal.item           (?<![0-9])(?<num>[0-9]{1,2}[.、](?![0-9])|[(][0-9]{1,2}[)])
# furniture: page headers and footers that are not body text.
furniture           ^-?[0-9]+-?$
furniture           ^第[0-9]+页(共[0-9]+页)?$
furniture           ^[0-9]+/[0-9]+$
