# The spending schedule (资金支出计划).
# period: a period label naming its month; the group month is the month
# the period ends.
period              ^(截至|截止)?(?<month>1[0-2]|[1-9])月(底|末|份)?$
# month.N: a period label that names no month, ending in month N.
month.3             ^(第)?(一|1)季度(末)?$
month.6             ^(第)?(二|2)季度(末)?$
month.6             ^上半年(末)?$
month.9             ^(第)?(三|3)季度(末)?$
month.12            ^(第)?(四|4)季度(末)?$
month.12            ^(下半年|全年|年底|年末)$
# percent: a scheduled percentage; the group value is the number.
percent             ^(?<value>[0-9]+(\.[0-9]+)?)%?$
