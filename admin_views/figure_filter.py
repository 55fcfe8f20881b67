"""The 年度统计 filter of a list: the rows behind one figure of the year in numbers, by the figure's own condition."""

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import false

from workflows.year_numbers import figure_of


class FigureFilter(BaseSQLAFilter):
    """年度统计: `2026/source.hotline.closed` keeps exactly the rows that figure counts (workflows/year_numbers.py)."""

    def __init__(self, model, name: str = "年度统计"):
        super().__init__(model.id, name)
        self.model = model

    def value_ok(self, value: str) -> bool:
        """A year and a figure of this list's table."""
        found = figure_of(value)
        return found is not None and found[1].model is self.model

    def apply(self, query, value, alias=None):
        found = figure_of(value)
        if found is None or found[1].model is not self.model:
            return query.filter(false())
        year, figure = found
        return query.filter(figure.where(year))

    def operation(self):
        return "为"
