"""设置: the township's details, its terms (届次), deputy groups and liaison stations, the
performance rules and points table (履职要求与积分), and what the handling of opinions and suggestions
needs: the deadlines (办理期限), the office's calendar of holidays and 调休, the lists the opinion
form offers (村（社区）, 类别) and the directory of handling units. Every save goes through the
services, so it is validated and written to the audit log."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from typing import Any

import shiboken6
from PySide6.QtCore import QMetaMethod, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from presidium_app.printing import fonts
from presidium_app.services import handling_units, mailbox, organisation, township
from presidium_app.services import settings as app_settings
from presidium_app.services.errors import Conflict, ServiceError, ValidationFailed
from presidium_app.services.permissions import Permission
from presidium_app.services.settings import SPECS, SettingSpec
from presidium_app.ui import messages
from presidium_app.ui.access import missing_text, restrict
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.handling_units_dialog import HandlingUnitsDialog
from presidium_app.ui.operations import run_quietly
from presidium_app.ui.widgets.calendar_days import CalendarDaysEditor
from presidium_app.ui.widgets.choice_list import ChoiceListEditor
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm
from presidium_app.ui.widgets.term_spin import TermSpinBox

SPEC_GROUPS = (app_settings.RULES, app_settings.POINTS, app_settings.GRADES, app_settings.DEADLINES,
               app_settings.SECURITY, app_settings.BACKUPS)
SAFETY_GROUPS = (app_settings.SECURITY, app_settings.BACKUPS)  # 账户安全与自动备份
RULE_GROUPS = (app_settings.RULES, app_settings.POINTS, app_settings.GRADES)  # 履职要求与积分
DEADLINE_GROUPS = (app_settings.DEADLINES,)
GROUP_HINTS = {
    app_settings.RULES: "工作台和代表名册据此提醒谁还没有达到。设为0表示不作要求。",
    app_settings.POINTS: "每项活动按出席计分；缺席人代会按次扣分。",
    app_settings.GRADES: "按年度总分评定等次。",
    app_settings.DEADLINES: "社情民意按自然日计算；承办单位退回按工作日计算，节假日和调休见右侧日历。",
    app_settings.SECURITY: "离开电脑时按 Ctrl+L 可立即锁定。密码连续输错达到次数后账户锁定，"
                           "到时自动解除，管理员也可在“账户管理”中解除。",
    app_settings.BACKUPS: "每天自动备份数据库和附件，按日、周、月各保留最近的若干份，更早的自动删除。",
}

log = logging.getLogger(__name__)


def _setting_spin(spec: SettingSpec) -> QSpinBox | QDoubleSpinBox:
    """A spin box bounded by the setting's declared range, with its unit."""
    spin: QSpinBox | QDoubleSpinBox
    if spec.integer:
        spin = QSpinBox()
        spin.setRange(int(spec.minimum), int(spec.maximum))
    else:
        spin = QDoubleSpinBox()
        spin.setDecimals(1)
        spin.setRange(spec.minimum, spec.maximum)
    if spec.unit:
        spin.setSuffix(f" {spec.unit}")
    spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    spin.setMinimumWidth(96)
    spin.setMaximumWidth(150)
    spin.setToolTip(f"默认 {spec.default:g}{spec.unit}，可填 {spec.minimum:g}—{spec.maximum:g}")
    return spin


def score_explanation(values: dict[str, float]) -> str:
    """How a deputy's year score and grade come about, with the township's numbers."""
    good, fair = values["grades.good"], values["grades.fair"]
    return (
        f"<b>积分怎样算：</b>年度总分 = 基础分 {values['points.base']:g} 分 "
        "+ 当年各项履职得分（出席人代会、审议发言、提出议案建议、列席会议及其他活动、视察调研执法检查、"
        "代表小组活动和学习培训、接待选民和述职，每次按上面的分值计） "
        f"− 无故缺席人代会扣分（每半天 {values['points.congress_absence']:g} 分）。"
        f"<br>总分 {good:g} 分及以上为“好”，{fair:g} 分以上不足 {good:g} 分为“一般”，"
        f"不足 {fair:g} 分为“差”；连续两年为“差”的，建议其辞去代表职务。"
        "<br>分数和提醒都由活动记录自动算出，改动这里的数字后立即按新标准计算。"
    )


def _year_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1949, 2100)
    spin.setSuffix(" 年")
    return spin


class SettingsPage(QWidget):
    township_changed = Signal()  # name or current term changed: the window title and status bar
    organisation_changed = Signal()
    rules_changed = Signal()  # 履职要求与积分 saved: reminders and scores read them again
    deadlines_changed = Signal()  # 办理期限 saved
    calendar_changed = Signal()  # a holiday or 调休 day added or removed
    mailbox_lists_changed = Signal()  # the 村（社区） or 类别 list of the opinion form saved
    units_changed = Signal()  # the directory of handling units changed
    backups_requested = Signal()  # 备份与恢复… pressed: the main window opens the dialog
    unit_items_requested = Signal(int)  # "查看其办理事项" in the directory: list that unit's items

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.township_version = 0
        self.units_dialog: HandlingUnitsDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("pageBody")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(14)
        title = QLabel("设置")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.permission_note = QLabel()
        self.permission_note.setObjectName("hint")
        self.permission_note.setWordWrap(True)
        self.permission_note.hide()
        layout.addWidget(self.permission_note)
        self.setting_spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.setting_forms: dict[str, FieldForm] = {}
        self.spin_groups: dict[QSpinBox | QDoubleSpinBox, str] = {}
        self.loaded_settings: dict[str, float] = {}
        self.rules_box = self._rules_box()
        self.deadlines_box = self._deadlines_box()
        self.calendar_box = self._calendar_box()
        self.safety_box = self._safety_box()
        self.setting_forms = {group: self.setting_forms[group] for group in SPEC_GROUPS}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        grid.addWidget(self._township_box(), 0, 0)
        grid.addWidget(self._terms_box(), 0, 1)
        grid.addWidget(self._groups_box(), 1, 0)
        grid.addWidget(self._stations_box(), 1, 1)
        grid.addWidget(self.rules_box, 2, 0, 1, 2)
        grid.addWidget(self.deadlines_box, 3, 0)
        grid.addWidget(self.calendar_box, 3, 1)
        grid.addWidget(self._choices_box("village"), 4, 0)
        grid.addWidget(self._choices_box("category"), 4, 1)
        grid.addWidget(self.safety_box, 5, 0, 1, 2)
        grid.addWidget(self._fonts_box(), 6, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.activate()
        self.apply_permissions()

    # -- numbers: performance rules and points, deadlines -------------------------------------
    def _spec_column(self, group: str) -> QVBoxLayout:
        """One group of declared settings: its title, hint and a spin box per setting."""
        column = QVBoxLayout()
        column.setSpacing(6)
        title = QLabel(group)
        title.setObjectName("sectionTitle")
        hint = QLabel(GROUP_HINTS[group])
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        column.addWidget(title)
        column.addWidget(hint)
        grid = QGridLayout()
        form = FieldForm(grid)
        self.setting_forms[group] = form
        for number, spec in enumerate(s for s in SPECS if s.group == group):
            spin = _setting_spin(spec)
            spin.valueChanged.connect(self._setting_edited)  # a bound method: see _setting_edited
            self.setting_spins[spec.key] = spin
            self.spin_groups[spin] = group
            form.add(spec.key, spec.label, spin, number)
        column.addLayout(grid)
        return column

    def _save_row(self, saved: QLabel, defaults: QPushButton, save: QPushButton) -> QHBoxLayout:
        saved.setObjectName("savedHint")
        saved.setWordWrap(True)
        defaults.setToolTip("把各项数字填回默认值（点“保存”后才生效）")
        save.setObjectName("primary")
        row = QHBoxLayout()
        row.addWidget(saved, 1)
        row.addWidget(defaults)
        row.addWidget(save)
        return row

    def _rules_box(self) -> QGroupBox:
        """履职要求与积分: the rules, points and grades, with 恢复默认 and 保存."""
        box = QGroupBox("履职要求与积分")
        layout = QVBoxLayout(box)
        explain = QLabel("默认值按上级文件和通行做法设定，可以按本乡镇的规定修改。")
        explain.setObjectName("hint")
        layout.addWidget(explain)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        for group in RULE_GROUPS:
            column = self._spec_column(group)
            if group == app_settings.GRADES:
                self.score_explain = QLabel()
                self.score_explain.setObjectName("hint")
                self.score_explain.setWordWrap(True)
                self.score_explain.setTextFormat(Qt.TextFormat.RichText)
                column.addSpacing(8)
                column.addWidget(self.score_explain)
            column.addStretch(1)
            columns.addLayout(column, 1)
        layout.addLayout(columns)
        self.settings_error = ErrorLabel()
        layout.addWidget(self.settings_error)
        self.settings_saved = QLabel()
        self.settings_defaults = QPushButton("恢复默认")
        self.settings_defaults.clicked.connect(self._restore_default_rules)
        self.settings_save = QPushButton("保存履职要求与积分")
        self.settings_save.clicked.connect(self._save_rules)
        layout.addLayout(self._save_row(self.settings_saved, self.settings_defaults, self.settings_save))
        return box

    def _deadlines_box(self) -> QGroupBox:
        """办理期限 of opinions and suggestions, and the way to the directory of handling units."""
        box = QGroupBox("办理期限与承办单位")
        layout = QVBoxLayout(box)
        column = self._spec_column(app_settings.DEADLINES)
        layout.addLayout(column)
        self.deadlines_error = ErrorLabel()
        layout.addWidget(self.deadlines_error)
        self.deadlines_saved = QLabel()
        self.deadlines_defaults = QPushButton("恢复默认")
        self.deadlines_defaults.clicked.connect(self.restore_default_deadlines)
        self.deadlines_save = QPushButton("保存办理期限")
        self.deadlines_save.clicked.connect(self.save_deadlines)
        layout.addLayout(self._save_row(self.deadlines_saved, self.deadlines_defaults,
                                        self.deadlines_save))
        layout.addSpacing(6)
        line = QFrame()
        line.setObjectName("sectionLine")
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        title = QLabel("承办单位")
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        hint = QLabel("交办时从名录中选择主办、协办单位；名录里可以新增、修改、停用单位，"
                      "并查看各单位在办和逾期的件数。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.units_summary = QLabel()
        self.units_summary.setWordWrap(True)
        self.units_button = QPushButton("承办单位名录…")
        self.units_button.clicked.connect(self.open_units_dialog)
        row.addWidget(self.units_summary, 1)
        row.addWidget(self.units_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return box

    def setting_values(self) -> dict[str, float]:
        """The numbers as shown in the spin boxes."""
        return {key: float(spin.value()) for key, spin in self.setting_spins.items()}

    def _keys(self, groups: Collection[str]) -> list[str]:
        return [spec.key for spec in SPECS if spec.group in groups]

    def load_settings(self, groups: Collection[str] = SPEC_GROUPS) -> None:
        """Show the stored numbers of `groups` (other groups keep what is being typed, and the
        values they were opened with, which their save passes on as `opened_with`)."""
        fresh, keys = app_settings.get_all(self.ctx.db), self._keys(groups)
        kept = {k: v for k, v in self.loaded_settings.items() if k not in keys}
        self.loaded_settings = {**fresh, **kept}
        for key in keys:
            spin = self.setting_spins[key]
            spin.blockSignals(True)
            self._set_spin(key, self.loaded_settings[key])
            spin.blockSignals(False)
        for group in groups:
            self.setting_forms[group].clear_errors()
        for error, saved in self._feedback(groups):
            error.show_message("")
            saved.setText("")
        self._update_explanation()

    def _feedback(self, groups: Collection[str]) -> list[tuple[ErrorLabel, QLabel]]:
        """The error and saved labels of the boxes that show `groups`."""
        labels = []
        if set(groups) & set(RULE_GROUPS):
            labels.append((self.settings_error, self.settings_saved))
        if set(groups) & set(DEADLINE_GROUPS):
            labels.append((self.deadlines_error, self.deadlines_saved))
        if set(groups) & set(SAFETY_GROUPS):
            labels.append((self.safety_error, self.safety_saved))
        return labels

    def _set_spin(self, key: str, value: float) -> None:
        spin = self.setting_spins[key]
        if isinstance(spin, QSpinBox):
            spin.setValue(round(value))
        else:
            spin.setValue(value)

    def _setting_edited(self, _value: float) -> None:
        """A spin box changed: its box's "saved" note no longer holds. A bound method rather than
        a lambda, so a spin box that signals while the page is being destroyed reaches nothing."""
        sender = self.sender()
        group = next((g for spin, g in self.spin_groups.items() if spin is sender), None)
        for _error, saved in self._feedback((group,) if group else SPEC_GROUPS):
            saved.setText("")
        self._update_explanation()

    def _update_explanation(self) -> None:
        self.score_explain.setText(score_explanation(self.setting_values()))

    def restore_default_settings(self, groups: Collection[str] = RULE_GROUPS) -> None:
        for spec in SPECS:
            if spec.group in groups:
                self._set_spin(spec.key, spec.default)
        changed = self._changed_settings(groups)
        for _error, saved in self._feedback(groups):
            saved.setText("已填回默认值，点“保存”后生效" if changed else "已是默认值")

    def _restore_default_rules(self) -> None:
        self.restore_default_settings(RULE_GROUPS)

    def _save_rules(self) -> None:
        self.save_settings(RULE_GROUPS)

    def restore_default_deadlines(self) -> None:
        self.restore_default_settings(DEADLINE_GROUPS)

    def _changed_settings(self, groups: Collection[str] = SPEC_GROUPS) -> dict[str, float]:
        values = self.setting_values()
        return {k: values[k] for k in self._keys(groups) if values[k] != self.loaded_settings.get(k)}

    def save_settings(self, groups: Collection[str] = RULE_GROUPS) -> bool:
        """Save the changed numbers of `groups` (履职要求与积分 unless told)."""
        changes = self._changed_settings(groups)
        forms = [self.setting_forms[g] for g in groups]
        feedback = self._feedback(groups)
        for form in forms:
            form.clear_errors()
        for error, saved in feedback:
            error.show_message("")
            saved.setText("")
        if not changes:
            for _error, saved in feedback:
                saved.setText("没有改动")
            return True
        try:
            app_settings.update(self.ctx.db, self.ctx.actor, changes,
                                opened_with={k: self.loaded_settings[k] for k in changes})
        except ValidationFailed as exc:
            placed: set[str] = set()
            for form in forms:
                mine = {k: v for k, v in exc.field_errors.items() if k in form.errors}
                form.show_errors(mine)
                placed.update(mine)
            rest = "；".join(v for k, v in exc.field_errors.items() if k not in placed)
            for error, _saved in feedback:
                error.show_message(rest)
            return False
        except ServiceError as exc:
            for error, _saved in feedback:
                error.show_message(exc.message)
            return False
        self.load_settings(groups)
        if set(groups) & set(RULE_GROUPS):
            self.settings_saved.setText("已保存，工作台和代表名册的提醒、积分按新标准计算")
            self.rules_changed.emit()
        if set(groups) & set(DEADLINE_GROUPS):
            self.deadlines_saved.setText("已保存，以后交办的事项按新期限计算；已交办的期限不变")
            self.deadlines_changed.emit()
        if set(groups) & set(SAFETY_GROUPS):
            self.safety_saved.setText("已保存，立即生效")
        return True

    # -- account security and automatic backups ------------------------------------------------
    def _safety_box(self) -> QGroupBox:
        """账户安全 (idle lock, lockout, password length) and 自动备份 (how many backups are kept)."""
        box = QGroupBox("账户安全与自动备份")
        layout = QVBoxLayout(box)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        for group in SAFETY_GROUPS:
            column = self._spec_column(group)
            column.addStretch(1)
            columns.addLayout(column, 1)
        layout.addLayout(columns)
        self.safety_error = ErrorLabel()
        layout.addWidget(self.safety_error)
        self.safety_saved = QLabel()
        self.safety_defaults = QPushButton("恢复默认")
        self.safety_defaults.clicked.connect(self.restore_default_safety)
        self.safety_save = QPushButton("保存账户安全与备份设置")
        self.safety_save.clicked.connect(self.save_safety)
        self.safety_buttons = self._save_row(self.safety_saved, self.safety_defaults, self.safety_save)
        layout.addLayout(self.safety_buttons)
        self.backups_button = QPushButton("备份与恢复…")
        self.backups_button.setToolTip("立即备份、备份到U盘、从备份恢复（Ctrl+Shift+B）")
        self.backups_button.clicked.connect(self.backups_requested)
        self.safety_buttons.insertWidget(0, self.backups_button)
        return box

    def save_safety(self) -> bool:
        return self.save_settings(SAFETY_GROUPS)

    def restore_default_safety(self) -> None:
        self.restore_default_settings(SAFETY_GROUPS)

    def apply_permissions(self) -> None:
        """Disable what the role cannot change, the tooltip naming the missing permission (the
        services refuse anyway)."""
        settings_widgets: list[QWidget] = [
            self.township_save, self.make_current, self.term_add, self.settings_save,
            self.settings_defaults, self.deadlines_save, self.deadlines_defaults, self.safety_save,
            self.safety_defaults, self.calendar, self.villages, self.categories,
            *self.setting_spins.values()]
        edit_widgets: list[QWidget] = [self.group_name, self.station_name]
        for edit in (self.group_name, self.station_name):
            parent = edit.parentWidget()
            if parent is not None:
                edit_widgets += parent.findChildren(QPushButton)
        notes = []
        if not restrict(self.ctx, Permission.SETTINGS, settings_widgets):
            notes.append(missing_text(self.ctx, Permission.SETTINGS))
        if not restrict(self.ctx, Permission.EDIT, edit_widgets):
            notes.append(missing_text(self.ctx, Permission.EDIT))
        if notes:
            self.permission_note.setText("；".join(notes) + "，以下设置只能查看。需要修改请找管理员。")
            self.permission_note.show()

    def save_deadlines(self) -> bool:
        return self.save_settings(DEADLINE_GROUPS)

    # -- holidays and 调休 ----------------------------------------------------------------------
    def _calendar_box(self) -> QGroupBox:
        box = QGroupBox("节假日与调休")
        layout = QVBoxLayout(box)
        self.calendar = CalendarDaysEditor(self.ctx)
        self.calendar.changed.connect(self.calendar_changed)
        layout.addWidget(self.calendar)
        return box

    # -- the opinion form's lists ---------------------------------------------------------------
    def _choices_box(self, kind: str) -> QGroupBox:
        if kind == "village":
            box = QGroupBox("村（社区）")
            hint_text = "登记社情民意时从中选择反映人所在的村（社区）。"
            editor = ChoiceListEditor(self.ctx, kind, "村（社区）名称，如：青山村、绿水社区")
            self.villages = editor
        else:
            box = QGroupBox("社情民意类别")
            hint_text = "登记社情民意时从中选择类别，也用于统计。未修改时使用默认类别。"
            editor = ChoiceListEditor(self.ctx, kind, "类别名称，如：水利设施",
                                      defaults=mailbox.DEFAULT_CATEGORIES)
            self.categories = editor
        layout = QVBoxLayout(box)
        hint = QLabel(hint_text + "已登记的条目保留原来的名称，改名或删除只影响以后的选择。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        editor.saved.connect(self.mailbox_lists_changed)
        layout.addWidget(editor)
        return box

    # -- printing fonts ----------------------------------------------------------------------
    def _fonts_box(self) -> QGroupBox:
        """The font each role of the printed documents uses on this computer (PRINTING.md), so
        the office sees at once when a document would print without an embedded Chinese font."""
        box = QGroupBox("打印字体")
        layout = QVBoxLayout(box)
        hint = QLabel("打印中心按公文格式的字体要求，在本机已安装的字体中依次选用。"
                      "安装方正小标宋、仿宋_GB2312、楷体_GB2312等字体后重新启动软件即可使用。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.font_lines = QLabel("正在查看本机字体…")
        self.font_lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.font_lines.setWordWrap(True)
        layout.addWidget(self.font_lines)
        # Reading the font files the first time takes a second or more: on the worker thread,
        # so the page opens at once.
        run_quietly(lambda _progress: fonts.font_report(), self._show_fonts, self._fonts_failed)
        return box

    def _show_fonts(self, lines: list[str]) -> None:
        if shiboken6.isValid(self.font_lines):  # the page may have closed meanwhile
            self.font_lines.setText("\n".join(lines))

    def _fonts_failed(self, error: BaseException) -> None:
        log.warning("未能查看本机字体：%r", error)
        if shiboken6.isValid(self.font_lines):
            self.font_lines.setText("未能读取本机的字体文件，暂时无法列出打印所用字体。"
                                    "打印时会重新查找；若仍不能打印中文，请检查字体文件夹或重新安装字体。")

    # -- handling units ----------------------------------------------------------------------
    def load_units_summary(self) -> None:
        units = handling_units.list_units(self.ctx.db, include_inactive=True)
        if not units:
            self.units_summary.setText("名录中还没有单位。")
            return
        workload = handling_units.unit_workload(self.ctx.db, dt.date.today())
        active = sum(1 for u in units if u.active)
        open_items = sum(w.opinions_open + w.suggestions_open for w in workload.values())
        late = sum(w.overdue_total for w in workload.values())
        text = f"名录中 {len(units)} 个单位（在用 {active} 个），在办 {open_items} 件"
        if late:
            text += f"，<span style='color:#b42318'>逾期 {late} 件</span>"
        self.units_summary.setText(text)

    def open_units_dialog(self) -> HandlingUnitsDialog:
        """The directory, over the page; "查看其办理事项" shows only when someone can list them."""
        listening = self.isSignalConnected(QMetaMethod.fromSignal(self.unit_items_requested))
        dialog = HandlingUnitsDialog(self.ctx, self, show_items=listening)
        self.units_dialog = dialog
        dialog.unit_chosen.connect(self.unit_items_requested)
        dialog.units_changed.connect(self._units_changed)
        dialog.finished.connect(lambda _r: self._units_dialog_closed(dialog))
        dialog.open()
        return dialog

    def _units_changed(self) -> None:
        self.load_units_summary()
        self.units_changed.emit()

    def _units_dialog_closed(self, dialog: HandlingUnitsDialog) -> None:
        if self.units_dialog is dialog:
            self.units_dialog = None
        dialog.deleteLater()

    # -- township ---------------------------------------------------------------------------
    def _township_box(self) -> QGroupBox:
        box = QGroupBox("乡镇信息")
        layout = QVBoxLayout(box)
        explain = QLabel("印在各类表格、通知和公示材料上。")
        explain.setObjectName("hint")
        layout.addWidget(explain)
        self.t_name, self.t_county = QLineEdit(), QLineEdit()
        self.t_address, self.t_phone = QLineEdit(), QLineEdit()
        self.t_name.setPlaceholderText("如：青山镇")
        self.t_county.setPlaceholderText("如：临川县")
        self.t_address.setPlaceholderText("主席团办公室地址")
        self.t_phone.setPlaceholderText("办公电话")
        grid = QGridLayout()
        self.township_form = FieldForm(grid)
        self.township_form.add("name", "乡镇名称", self.t_name, 0, required=True)
        self.township_form.add("county", "所属县（市、区）", self.t_county, 1)
        self.township_form.add("address", "地址", self.t_address, 2)
        self.township_form.add("phone", "电话", self.t_phone, 3)
        layout.addLayout(grid)
        self.township_error = ErrorLabel()
        layout.addWidget(self.township_error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.township_saved = QLabel()
        self.township_saved.setObjectName("savedHint")
        row.addWidget(self.township_saved)
        for edit in (self.t_name, self.t_county, self.t_address, self.t_phone):
            edit.textEdited.connect(lambda _t: self.township_saved.setText(""))
        self.township_save = QPushButton("保存乡镇信息")
        self.township_save.setObjectName("primary")
        self.township_save.clicked.connect(self.save_township)
        row.addWidget(self.township_save)
        layout.addLayout(row)
        layout.addStretch(1)
        return box

    def load_township(self) -> None:
        info = township.get_township(self.ctx.db)
        self.township_version = info.version
        self.t_name.setText(info.name)
        self.t_county.setText(info.county)
        self.t_address.setText(info.address)
        self.t_phone.setText(info.phone)
        self.township_form.clear_errors()
        self.township_error.show_message("")

    def save_township(self) -> bool:
        try:
            township.update_township(
                self.ctx.db, self.ctx.actor, self.t_name.text(), self.t_county.text(),
                self.t_address.text(), self.t_phone.text(), self.township_version)
        except ValidationFailed as exc:
            self.township_error.show_message("；".join(self.township_form.show_errors(exc.field_errors)))
            return False
        except Conflict as exc:
            messages.warn(self, "未能保存", exc.message,
                          "下面显示的是别人刚保存的内容，请核对后再修改。")
            self.load_township()
            return False
        except ServiceError as exc:
            self.township_error.show_message(exc.message)
            return False
        self.load_township()
        self.township_saved.setText("已保存")
        self.township_changed.emit()
        return True

    # -- terms ------------------------------------------------------------------------------
    def _terms_box(self) -> QGroupBox:
        box = QGroupBox("届次")
        layout = QVBoxLayout(box)
        explain = QLabel("当前届次是新增代表和名册筛选的默认届次。换届时先添加新的届次，再设为当前。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.terms = QListWidget()
        self.terms.setMinimumHeight(110)
        self.terms.currentRowChanged.connect(lambda _r: self._term_selected())
        layout.addWidget(self.terms)
        self.make_current = QPushButton("设为当前届次")
        self.make_current.clicked.connect(self.make_selected_current)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.make_current)
        layout.addLayout(row)

        add = QGridLayout()
        add.setHorizontalSpacing(8)
        self.term_ordinal = TermSpinBox()
        self.term_start, self.term_end = _year_spin(), _year_spin()
        self.term_start.valueChanged.connect(lambda v: self.term_end.setValue(v + 5))
        self.term_current = QCheckBox("设为当前")
        self.term_add = QPushButton("添加届次")
        self.term_add.clicked.connect(self.add_term)
        add.addWidget(QLabel("新届次"), 0, 0)
        add.addWidget(self.term_ordinal, 0, 1)
        add.addWidget(self.term_start, 0, 2)
        add.addWidget(QLabel("至"), 0, 3)
        add.addWidget(self.term_end, 0, 4)
        add.addWidget(self.term_current, 0, 5)
        add.addWidget(self.term_add, 0, 6)
        add.setColumnStretch(7, 1)
        layout.addLayout(add)
        self.term_error = ErrorLabel()
        layout.addWidget(self.term_error)
        return box

    def load_terms(self, select_id: int | None = None) -> None:
        self.terms.clear()
        terms = township.list_terms(self.ctx.db)
        for term in terms:
            item = QListWidgetItem(term.label + ("（当前届次）" if term.is_current else ""))
            item.setData(Qt.ItemDataRole.UserRole, term)
            if term.is_current:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.terms.addItem(item)
            if term.id == select_id or (select_id is None and term.is_current):
                self.terms.setCurrentItem(item)
        latest = max((t for t in terms), key=lambda t: t.ordinal, default=None)
        self.term_ordinal.setValue(latest.ordinal + 1 if latest else 19)
        start = (latest.end_year if latest and latest.end_year else 2026)
        self.term_start.setValue(start)
        self.term_end.setValue(start + 5)
        self._term_selected()

    def _term_selected(self) -> None:
        item = self.terms.currentItem()
        term = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.make_current.setEnabled(term is not None and not term.is_current)

    def add_term(self) -> bool:
        try:
            ordinal = self.term_ordinal.value()
            listed = (self.terms.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.terms.count()))
            shown = next(((t.start_year, t.end_year) for t in listed if t.ordinal == ordinal), None)
            term = township.ensure_term(
                self.ctx.db, self.ctx.actor, ordinal, self.term_start.value(),
                self.term_end.value(), make_current=self.term_current.isChecked(), opened_with=shown)
        except ServiceError as exc:
            self.term_error.show_message(exc.message)
            return False
        self.term_error.show_message("")
        self.term_current.setChecked(False)
        self.load_terms(term.id)
        self.township_changed.emit()
        return True

    def make_selected_current(self) -> bool:
        item = self.terms.currentItem()
        if item is None:
            return False
        term: Any = item.data(Qt.ItemDataRole.UserRole)
        if not messages.ask(self, "设为当前届次", f"把{term.label}设为当前届次吗？",
                            detail="新增代表和名册筛选将默认使用这一届。"):
            return False
        try:
            township.ensure_term(self.ctx.db, self.ctx.actor, term.ordinal, make_current=True)
        except ServiceError as exc:
            self.term_error.show_message(exc.message)
            return False
        self.load_terms(term.id)
        self.township_changed.emit()
        return True

    # -- groups and stations ---------------------------------------------------------------
    def _groups_box(self) -> QGroupBox:
        box = QGroupBox("代表小组")
        layout = QVBoxLayout(box)
        self.groups = QListWidget()
        self.groups.setMinimumHeight(140)
        layout.addWidget(self.groups)
        row = QHBoxLayout()
        self.group_name = QLineEdit()
        self.group_name.setPlaceholderText("新小组名称，如：第一代表小组")
        self.group_name.returnPressed.connect(self.add_group)
        add = QPushButton("添加小组")
        add.clicked.connect(self.add_group)
        row.addWidget(self.group_name, 1)
        row.addWidget(add)
        layout.addLayout(row)
        self.group_error = ErrorLabel()
        layout.addWidget(self.group_error)
        return box

    def _stations_box(self) -> QGroupBox:
        box = QGroupBox("代表联络站")
        layout = QVBoxLayout(box)
        self.stations = QListWidget()
        self.stations.setMinimumHeight(140)
        layout.addWidget(self.stations)
        row = QHBoxLayout()
        self.station_name = QLineEdit()
        self.station_name.setPlaceholderText("联络站名称")
        self.station_address = QLineEdit()
        self.station_address.setPlaceholderText("地址（可不填）")
        self.station_name.returnPressed.connect(self.add_station)
        add = QPushButton("添加联络站")
        add.clicked.connect(self.add_station)
        row.addWidget(self.station_name, 1)
        row.addWidget(self.station_address, 1)
        row.addWidget(add)
        layout.addLayout(row)
        self.station_error = ErrorLabel()
        layout.addWidget(self.station_error)
        return box

    def load_organisation(self) -> None:
        self.groups.clear()
        for group in organisation.list_groups(self.ctx.db):
            self.groups.addItem(group.name)
        self.stations.clear()
        for station in organisation.list_stations(self.ctx.db):
            self.stations.addItem(station.name)

    def add_group(self) -> bool:
        try:
            organisation.add_group(self.ctx.db, self.ctx.actor, self.group_name.text())
        except ServiceError as exc:
            self.group_error.show_message(
                "；".join(exc.field_errors.values()) if isinstance(exc, ValidationFailed)
                else exc.message)
            return False
        self.group_error.show_message("")
        self.group_name.clear()
        self.load_organisation()
        self.organisation_changed.emit()
        return True

    def add_station(self) -> bool:
        try:
            organisation.add_station(self.ctx.db, self.ctx.actor, self.station_name.text(),
                                     self.station_address.text())
        except ServiceError as exc:
            self.station_error.show_message(
                "；".join(exc.field_errors.values()) if isinstance(exc, ValidationFailed)
                else exc.message)
            return False
        self.station_error.show_message("")
        self.station_name.clear()
        self.station_address.clear()
        self.load_organisation()
        self.organisation_changed.emit()
        return True

    def activate(self) -> None:
        self.load_township()
        self.load_terms()
        self.load_organisation()
        self.load_settings()
        self.calendar.reload()
        self.villages.reload()
        self.categories.reload()
        self.load_units_summary()
