# The spending schedule (资金支出计划).
# period: a period label; the group month is the month it ends.
period              ^(截至|截止)?(?<month>1[0-2]|[1-9])月(底|末)?$
# percent: a scheduled percentage; the group value is the number.
percent             ^(?<value>[0-9]+(\.[0-9]+)?)%?$
