# Target values (指标值).  target.number splits a value with a number into
# op (comparison), value (the number) and unit; target.qualitative marks
# values that carry no number.  op.X maps the printed operator onto the
# record's op X (one of >= <= = > <); unit.X maps a printed unit onto X.
target.number       ^(?<op>≥|>=|≧|≤|<=|≦|=|==|>|<|大于等于|不低于|不少于|小于等于|不高于|不超过|不多于|大于|高于|超过|小于|低于|等于)?(?<value>[-+]?[0-9][0-9,]*(\.[0-9]+)?)(?<unit>[^0-9].*)?$
op.>=               ^(≥|>=|≧|大于等于|不低于|不少于)$
op.<=               ^(≤|<=|≦|小于等于|不高于|不超过|不多于)$
op.=                ^(=|==|等于)$
op.>                ^(>|大于|高于|超过)$
op.<                ^(<|小于|低于)$
unit.%              ^(%|百分比|百分点)$
