# Headers of the indicator table.  KEY col.FIELD: a header cell whose key
# form matches is the column of FIELD.  A header row is a row where at
# least three cells match.  Headers matching nothing are kept as extra
# columns, under their printed header.
col.level1          ^一级(指标)?$
col.level2          ^二级(指标)?$
col.level3          ^三级(指标)?$
col.level3          ^指标名称$
col.description     ^(绩效)?指标(描述|内容|说明)$
col.description     ^(绩效)?指标(值)?内容$
col.target          ^(绩效)?指标值$
col.target          ^(目标|标准|绩效目标|年度指标|年度目标)值$
col.basis           ^指标值?(确定|设定)?依据$
col.basis           ^(确定)?依据$
col.extra           ^(权重|分值|分数|评分标准)$
