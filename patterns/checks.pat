# budtab check: what a finance bureau's reviewer looks for in a published
# performance-goal table.  Used by `budtab check` only; extract never
# reads these keys.
#
# check.code: the shape of a project code (项目编码) in the province's
#   coding scheme.  Hebei: a 6-digit administrative division, a 2-digit
#   budget year, P, then a 12-character serial (13073024P000142100019).
#   Group year (optional) is compared with the document's year.  A code
#   matching none of these is reported as code-shape.  Another province:
#   replace these lines.
check.code                 ^[0-9]{6}(?<year>[0-9]{2})P[0-9A-Z]{12}$
# check.required.NAME: a 一级指标 every project must have (NAME is its
#   name in messages); the pattern matches the key form of level1.
check.required.产出指标    ^产出指标$
check.required.效益指标    ^效益指标$
check.required.满意度指标  ^满意度指标$
# check.cost, check.quantity, check.satisfaction: the level (level2, or
#   level1 where no level2 says more) of a cost, quantity or satisfaction
#   indicator.
check.cost                 ^成本指标$
check.cost                 ^(经济|社会|生态|环境)成本指标$
check.quantity             ^数量指标$
check.satisfaction         满意度(指标)?$
# check.qualitative.KIND: a target without a number is a finding
#   (target-qualitative) on indicators of these kinds (cost, quantity,
#   satisfaction); on the others (有所提高 as an 效益 target) it is not.
check.qualitative.cost          .
check.qualitative.quantity      .
check.qualitative.satisfaction  .
# check.bare-unit: a target that is only a unit (a bare %, 个): a number
#   is missing (target-no-number).
check.bare-unit            ^(%|‰|百分比|百分点|个|人|人次|次|天|日|月|年|件|项|家|户|元|万元|万)$
# check.money.FACTOR: a unit of money; FACTOR turns an amount in it into
#   万元, the unit of the budget.
check.money.1              ^(万元|万)$
check.money.0.0001         ^元$
check.money.0.1            ^千元$
check.money.10000          ^(亿元|亿)$
# check.unit-cost: a cost indicator that is a cost per unit (每公里,
#   人均, 户均): its target is not held against the whole budget, only
#   kept below it.  Matched on the indicator's name (三级指标), its
#   description, and its target's unit (元/人).
check.unit-cost            (每|人均|户均|亩均|次均|单位|平均|单价|均价|标准|/)
# check.percent: the unit of a percentage.
check.percent              ^(%|百分比|百分点)$
# check.schedule.cumulative / check.schedule.per-period: period labels
#   that say how the spending schedule is meant: 3月底 (by the end of
#   March) is cumulative, 3月份/当月 is one period's share.  Labels saying
#   neither (第一季度) leave it to the numbers.
check.schedule.cumulative  (底|末|截至|截止|累计)
check.schedule.per-period  (月份|当月|当季|本季|季度内|本期)
# internal.FIELD: header names of an internal-records CSV or JSON
#   (budtab check --against), matched on the key form, ASCII case
#   folded.  internal.month: a column of schedule percentages, group
#   month the period's month.  internal.total-row: the name of a row
#   holding the department's total (its code cell empty).
internal.code              ^(code|项目编码|项目代码|项目编号)$
internal.name              ^(name|项目名称)$
internal.total             ^(total|预算数|预算金额|资金总额)(\(万元\)|\(元\))?$
internal.fiscal            ^(fiscal|财政资金|其中:?财政资金|财政拨款)(\(万元\)|\(元\))?$
internal.other             ^(other|其他资金|其它资金)(\(万元\)|\(元\))?$
internal.month             ^m(?<month>1[0-2]|[1-9])$
internal.month             ^(?<month>1[0-2]|[1-9])月(底|末)?(\(%\))?$
internal.total-row         ^(合计|总计|部门合计)$
