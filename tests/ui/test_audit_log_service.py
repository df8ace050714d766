"""services.audit_log (Qt-free): the queries behind the log page, and values put into words."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from presidium_app.domain.enums import DeputyStatus
from presidium_app.services import audit_log, deputies, organisation, township
from presidium_app.services.audit_log import AuditQuery
from presidium_app.services.errors import ValidationFailed
from tests.helpers import deputy_input


def test_filters_by_words_action_labels_and_failures(db: Any, actor: Any) -> None:
    term = township.current_term(db)
    assert term is not None
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term.id))
    deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED, dt.date(2024, 1, 2))
    with pytest.raises(ValidationFailed):  # refused, and logged as a failure
        deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED, dt.date(2024, 1, 3))
    all_ids = audit_log.search_ids(db, AuditQuery())
    rows = audit_log.load_rows(db, all_ids)
    assert [rows[i].action_label for i in all_ids[:3]] == ["状态变动", "状态变动", "新增代表"]
    assert not rows[all_ids[0]].success
    assert audit_log.search_ids(db, AuditQuery(failures_only=True)) == [all_ids[0]]
    assert audit_log.search_ids(db, AuditQuery("新增代表")) == [all_ids[2]]
    assert set(audit_log.search_ids(db, AuditQuery("张三丰"))) >= {all_ids[1], all_ids[2]}
    assert audit_log.search_ids(db, AuditQuery("测试员 初始设置")) == [all_ids[-1]]  # every word
    assert audit_log.load_rows(db, []) == {}


def test_detail_names_fields_and_marks_changes(db: Any, actor: Any) -> None:
    term = township.current_term(db)
    assert term is not None
    group = organisation.add_group(db, actor, "第一代表小组")
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term.id))
    record = deputies.get_deputy(db, mandate_id)
    deputies.update_deputy(db, actor, mandate_id, replace(record.data, group_id=group.id),
                           record.deputy_version, record.mandate_version)
    newest = audit_log.search_ids(db, AuditQuery("修改代表"))[0]
    detail = audit_log.get_detail(db, newest)
    fields = {f.label: f for f in detail.fields}
    assert fields["代表小组"].changed
    assert (fields["代表小组"].before, fields["代表小组"].after) == ("（空）", "第一代表小组")
    assert fields["届次"].after == "第十九届" and not fields["届次"].changed
    assert fields["性别"].after == "男"
    assert fields["状态"].after == "在任"
    assert fields["代表层级"].after == "乡镇"
