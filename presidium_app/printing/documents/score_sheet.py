"""代表履职积分表: the year's score sheet (services.scores.year_scores, the 乡镇评定 row of every
deputy serving) on A4 landscape: the columns of DOMAIN.md §3, base, total and grade, the header
repeated on every page, the points table of the settings under it."""

from __future__ import annotations

import datetime as dt

from presidium_app.printing.documents.common import town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, cn_date
from presidium_app.printing.text import Align
from presidium_app.services import settings
from presidium_app.services.scores import POINTS, SCORE_COLUMNS, year_scores
from presidium_app.storage.database import Database

HEADER = ("序号", "姓名", "代表小组", *(c.label for c in SCORE_COLUMNS), "基础分", "总分", "等次",
          "备注")
WIDTHS = (1.0, 1.8, 4.4, 1.6, 1.4, 1.6, 1.7, 1.9, 1.6, 1.4, 1.2, 1.2, 1.1, 1.9)


def _points_note(values: dict[str, float]) -> str:
    def v(key: str) -> str:
        return f"{values[key]:g}"

    return (f"计分标准：基础分{v('points.base')}分；出席人代会每次{v(POINTS['congress'])}分，无故缺席"
            f"每半天扣{v(POINTS['congress_absence'])}分；审议发言每次{v(POINTS['speech'])}分；提出议案"
            f"建议每件{v(POINTS['suggestion'])}分；列席会议及其他活动每次{v(POINTS['meetings'])}分；"
            f"视察、调研、执法检查每次{v(POINTS['inspections'])}分；代表小组活动、学习培训每次"
            f"{v(POINTS['group'])}分；接待选民、述职每次{v(POINTS['voters'])}分。总分"
            f"{v('grades.good')}分以上为“好”，{v('grades.fair')}分至{values['grades.good'] - 1:g}分为"
            f"“一般”，{v('grades.fair')}分以下为“差”；连续两年为“差”的，建议辞去代表职务。")


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    year = request.year_or_current
    on = min(dt.date.today(), dt.date(year, 12, 31))
    rows = year_scores(db, year, on)
    values = settings.get_all(db)
    place = town(db)
    title = f"{year}年度代表履职积分表"
    doc = Document("ledger", title, township=place.full_name, header=place.office)
    doc.title(title, space_after=0)
    doc.subtitle(f"（乡镇评定　统计截至{cn_date(on)}）", size=doc.layout.table_size)
    table: list[list[str | None]] = [list(HEADER)]
    for number, row in enumerate(rows, start=1):
        note = row.advice or (f"上年：{row.previous_grade}" if row.previous_grade == "差" else "")
        table.append([str(number), row.name, row.group,
                      *(f"{row.columns.get(c.key, 0):g}" for c in SCORE_COLUMNS),
                      f"{row.base:g}", f"{row.total:g}", row.grade, note])
    if not rows:
        table.append(["", "本年度没有在任代表", *[None] * (len(HEADER) - 2)])
    centre: list[Align] = ["center"] * 10
    aligns: list[Align] = ["center", "center", "left", *centre, "left"]
    doc.table(table, WIDTHS, aligns=aligns)
    counts = {grade: sum(1 for r in rows if r.grade == grade) for grade in ("好", "一般", "差")}
    doc.paragraph(f"共{len(rows)}名代表：好{counts['好']}名，一般{counts['一般']}名，差{counts['差']}名。",
                  indent=False, size=doc.layout.table_size, space_before=doc.line / 3)
    doc.paragraph(_points_note(values), indent=False, size=doc.layout.table_size)
    doc.paragraph(f"制表：　　　　　　审核：　　　　　　{place.office}　{cn_date(on)}", indent=False,
                  align="right", size=doc.layout.table_size, space_before=doc.line / 2)
    return doc.render()
