# Budget amounts (预算数, 财政资金, 其他资金), in 万元 as printed.
# amount: the group value is the number; commas are dropped.
amount              ^(?<value>[-+]?[0-9][0-9,]*(\.[0-9]*)?)(万元|万)?$
amount              ^(?<value>[-+]?[0-9]*\.[0-9]+)(万元|万)?$
# amount.plain: a word that is only a number as amounts are printed
# (2600.00, 1,268.5): a cell starting with one may hold labels after it.
amount.plain        ^[0-9][0-9,]*\.[0-9]+$
amount.plain        ^[0-9]{1,3}(,[0-9]{3})+$
