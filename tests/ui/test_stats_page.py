"""统计 page: the demo township's figures as the office reads them, the same as `stats --json`,
another year on demand, and the printed report one click away."""

from __future__ import annotations

from typing import Any

from presidium_app.services import demo
from presidium_app.services.stats import year_stats
from presidium_app.ui.pages.stats import StatsPage, figure_value, sections


def _page(qtbot: Any, ctx: Any) -> StatsPage:
    page = StatsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=20000)
    return page


def test_the_page_shows_the_years_figures(qtbot: Any, ctx: Any, db: Any, actor: Any) -> None:
    demo.fill_demo(db, actor)
    page = _page(qtbot, ctx)
    year = page.year.value()
    expected = year_stats(db, year)
    assert page.values[("deputies", "serving")].text() == f"{expected['deputies']['serving']} 人"
    assert expected["opinions"]["total"] > 0
    assert page.values[("opinions", "total")].text() == f"{expected['opinions']['total']} 件"
    rate = expected["activities"]["attendance_rate"]
    assert page.values[("activities", "attendance_rate")].text() == f"{rate * 100:.1f}%"
    shown = {path for _title, figures in sections() for path, _label, _kind in figures}
    assert shown == set(page.values)
    for path in shown:  # every figure shown is one of stats --json's, none left at "—"
        assert page.values[path].text() != "—"
        figure_value(expected, path)

    structure = page.structure_text()  # the demo roster: 48 serving, 34 men (70.8%)
    men = next(n for label, n in page.structure.gender if label == "男") if page.structure else 0
    assert page.structure is not None and page.structure.serving == expected["deputies"]["serving"]
    assert f"男 {men} 人（{men / page.structure.serving * 100:.1f}%）" in structure
    assert "政治面貌" in structure and "中共党员" in structure

    page.year.setValue(year - 5)  # a year before the demo data: nothing counted
    qtbot.waitUntil(lambda: page.figures is not None and page.figures["year"] == year - 5, timeout=20000)
    assert page.values[("opinions", "total")].text() == "0 件"
    assert f"{year - 5}年度" in page.state.text()


def test_print_opens_the_annual_report_in_the_print_center(qtbot: Any, window: Any) -> None:
    page = window.show_page("stats")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=20000)
    page.print_report()
    assert window.current_key() == "printing"
    assert window.page("printing").current_key() == "annual-statistics"
