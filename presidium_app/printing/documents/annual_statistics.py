"""年度工作统计: the year's key figures (services.stats.year_stats, the same numbers as the 统计 page
and `presidium stats`) as a short formal report (GB/T 9704 layout) with tables: deputies by level,
activities by type with the attendance rate, opinions by status with overdue items and the
satisfaction rate, suggestions by result class A–D, training, and the deputies short of the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from presidium_app.domain.enums import ActivityType, DeputyLevel, ResultClass
from presidium_app.printing.documents.common import town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, cn_date
from presidium_app.services import settings
from presidium_app.services.stats import year_stats
from presidium_app.storage.database import Database

# The status keys of year_stats (spec/cli.md) and how the report names them.
OPINION_STATUS = (("registered", "已登记待交办"), ("assigned", "已交办办理中"),
                  ("replied", "已答复（含反馈、回访）"), ("closed", "已办结"),
                  ("rejected", "不予受理"), ("redirected", "转信访"))


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _pairs(doc: Document, items: list[tuple[str, str]], header: tuple[str, str], total: str) -> None:
    """Label/number pairs in two side-by-side column pairs, a total row last."""
    half = (len(items) + 1) // 2
    rows: list[list[str | None]] = [[header[0], header[1], header[0], header[1]]]
    for i in range(half):
        left = items[i]
        right = items[half + i] if half + i < len(items) else ("", "")
        rows.append([left[0], left[1], right[0], right[1]])
    rows.append(["合计", total, None, None])
    doc.table(rows, (5.0, 2.4, 5.0, 2.4), aligns=("left", "center", "left", "center"),
              extra_style=[("SPAN", (1, len(rows) - 1), (3, len(rows) - 1))],
              space_before=doc.line / 4, space_after=doc.line / 2)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    year = request.year_or_current
    figures: dict[str, Any] = year_stats(db, year)
    values = settings.get_all(db)
    place = town(db)
    on = min(dt.date.today(), dt.date(year, 12, 31))
    title = f"{place.office}{year}年度工作统计"
    doc = Document("formal", title, township=place.full_name)
    doc.title(title)
    doc.paragraph(f"根据代表履职记录和各项工作台账，现将{year}年度人大工作主要数据统计如下"
                  f"（统计截至{cn_date(on)}）。")

    deputies = figures["deputies"]
    doc.heading("一、代表情况")
    doc.paragraph(f"本届在任代表{deputies['serving']}名。按代表层级统计如下（同时担任两级以上代表的，"
                  "分别计入各级）：")
    rows: list[list[str | None]] = [["代表层级", "人数"]]
    for level in DeputyLevel:
        rows.append([f"{level.label}人大代表", str(deputies["by_level"].get(level.value, 0))])
    doc.table(rows, (6.0, 3.0), aligns=("left", "center"), space_before=doc.line / 4,
              space_after=doc.line / 2)

    activities = figures["activities"]
    doc.heading("二、代表活动")
    doc.paragraph(f"全年组织代表活动{activities['total']}次，代表出席率"
                  f"{_percent(activities['attendance_rate'])}（出席人次占应到人次）。按活动类型统计如下：")
    _pairs(doc, [(t.label, str(activities["by_type"].get(t.value, 0))) for t in ActivityType],
           ("活动类型", "次数"), str(activities["total"]))

    opinions = figures["opinions"]
    doc.heading("三、社情民意")
    doc.paragraph(f"全年收集社情民意{opinions['total']}件，目前逾期未答复{opinions['overdue']}件；"
                  f"回访满意率（满意和基本满意）{_percent(opinions['satisfaction_rate'])}。"
                  "按办理状态统计如下：")
    _pairs(doc, [(label, str(opinions["by_status"].get(key, 0))) for key, label in OPINION_STATUS],
           ("办理状态", "件数"), str(opinions["total"]))

    suggestions = figures["suggestions"]
    answered = sum(suggestions["by_result"].values())
    doc.heading("四、代表建议")
    doc.paragraph(f"代表共提出建议{suggestions['total']}件，已答复{answered}件。按办理结果分类统计如下：")
    rows = [["办理结果", "件数"]]
    for result in ResultClass:
        rows.append([f"{result.letter}类（{result.label}）",
                     str(suggestions["by_result"].get(result.letter, 0))])
    rows.append(["合计", str(answered)])
    doc.table(rows, (6.0, 3.0), aligns=("left", "center"), space_before=doc.line / 4,
              space_after=doc.line / 2)

    training = figures["training"]
    doc.heading("五、学习培训")
    doc.paragraph(f"全年举办学习培训{training['sessions_held']}场，计{training['hours']:g}学时；"
                  f"本届尚有{training['untrained_this_term']}名在任代表未参加过学习培训。")

    shortfalls = figures["shortfalls"]
    doc.heading("六、履职要求落实")
    doc.paragraph(f"本年度未达到每年提出{values['rules.suggestions_per_year']:g}件代表建议要求的代表"
                  f"{shortfalls['no_suggestion_this_year']}名；本届参加视察、执法检查、调研不足"
                  f"{values['rules.inspections_per_term']:g}次的代表{shortfalls['under_five_inspections_this_term']}名。")
    doc.signature(place.office, on)
    return doc.render()
