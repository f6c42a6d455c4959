# Labels of the project block of a performance-goal table.
# KEY label.FIELD: a cell whose key form matches is the label of FIELD;
# its value is the next cell to its right that is not itself a label.
# Order matters: the first matching key wins, so specific labels come
# before general ones.
label.code          ^项目(编码|代码|编号)$
label.name          ^项目名称$
label.unit          ^(预算|主管|实施)?单位(名称)?$
label.fiscal        ^(其中[:：]?)?(财政|本级财政|财政拨款)(资金|拨款)?(\(万元\))?$
label.other         ^(其他|其它)(资金)?(\(万元\))?$
label.total         ^(预算(数|金额|资金|规模)|资金总额|年度资金总额|项目资金)(\(万元\))?$
label.purpose       ^(预算规模及)?资金用途$
label.purpose       ^预算规模及资金用途$
label.schedule      ^资金支出计划(\(%\))?$
label.schedule      ^(资金)?支出(进度)?计划(\(%\))?$
label.goals         ^(年度)?(绩效|项目)?(总体)?目标$
label.goals         ^绩效目标$
# A label cell of the budget line that names no amount of its own.
label.group         ^预算规模(及资金用途)?$
