# Budget amounts (预算数, 财政资金, 其他资金), in 万元 as printed.
# amount: the group value is the number; commas are dropped.
amount              ^(?<value>[-+]?[0-9][0-9,]*(\.[0-9]*)?)(万元|万)?$
amount              ^(?<value>[-+]?[0-9]*\.[0-9]+)(万元|万)?$
