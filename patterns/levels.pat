# Indicator levels.
# level1.NAME: the 一级指标 labels (used to recognise a level-1 cell and
# the rows of a table that are indicator rows).
level1              ^(产出|效益|满意度|成本)指标$
# under.NAME: a 二级指标 that can only stand under the level-1 label NAME;
# used to give a row its level 1 when the merged level-1 cell was not
# printed on its page.
under.产出指标      ^(数量|质量|时效)指标$
under.效益指标      ^(经济|社会|生态|环境)?效益指标$
under.效益指标      ^可持续(发展)?影响指标$
under.满意度指标    ^(服务对象|受益对象|社会公众|群众)?满意度指标$
