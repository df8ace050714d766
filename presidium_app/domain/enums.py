"""Enumerations of GLOSSARY.md: code names in English, labels in Chinese.

The database stores the code name (the enum value); the UI and the ledgers show the label.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label, parsed back by `from_label`."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, text: str) -> LabelledEnum | None:
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        return None

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]


class Gender(LabelledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class DeputyLevel(LabelledEnum):
    TOWNSHIP = "township", "乡镇"
    COUNTY = "county", "县"
    CITY = "city", "市"
    PROVINCE = "province", "省"
    NATIONAL = "national", "全国"


class DeputyStatus(LabelledEnum):
    SERVING = "serving", "在任"
    RESIGNED = "resigned", "辞职"
    RECALLED = "recalled", "罢免"
    TRANSFERRED = "transferred", "调离"
    DECEASED = "deceased", "去世"
    TERMINATED = "terminated", "终止"


class ActivityType(LabelledEnum):
    INSPECTION = "inspection", "视察"
    LAW_ENFORCEMENT_CHECK = "law_enforcement_check", "执法检查"
    RESEARCH = "research", "专题调研"
    INQUIRY = "inquiry", "专题询问"
    ATTEND_MEETING = "attend_meeting", "列席会议"
    CONGRESS_SESSION = "congress_session", "人代会"
    VOTER_RECEPTION = "voter_reception", "接待选民"
    DUTY_REPORT = "duty_report", "代表述职"
    GROUP_MEETING = "group_meeting", "代表小组活动"
    TRAINING = "training", "学习培训"
    LIVELIHOOD_VOTE = "livelihood_vote", "民生实事票决"
    OTHER = "other", "其他"


class Attendance(LabelledEnum):
    PRESENT = "present", "出席"
    EXCUSED = "excused", "请假"
    ABSENT = "absent", "缺席"


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class TrainingForm(LabelledEnum):
    LECTURE = "lecture", "集中授课"
    SEMINAR = "seminar", "专题讲座"
    VIDEO = "video", "视频学习"
    FIELD_TRIP = "field_trip", "外出考察"
    SELF_STUDY = "self_study", "自学"


class AttachmentKind(LabelledEnum):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文件"


class Channel(LabelledEnum):
    """来源渠道: how an opinion reached the office."""

    MAILBOX = "mailbox", "信箱"
    VISIT = "visit", "来访"
    PHONE = "phone", "电话"
    WECHAT = "wechat", "微信"
    WEB = "web", "网络"
    DEPUTY = "deputy", "代表转交"


class OpinionStatus(LabelledEnum):
    """Where an opinion stands in the flow of DOMAIN.md §4 (the six keys of spec/cli.md plus the
    two steps between reply and close)."""

    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "已交办"
    REPLIED = "replied", "已答复"
    FED_BACK = "fed_back", "已反馈"
    FOLLOWED_UP = "followed_up", "已回访"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"
    REDIRECTED = "redirected", "转信访"


class OpinionAction(LabelledEnum):
    """One step of the flow; each is kept as an `OpinionEvent`."""

    REGISTER = "register", "登记"
    REJECT = "reject", "不予受理"
    REDIRECT = "redirect", "转信访"
    ASSIGN = "assign", "交办"
    UNIT_RETURN = "unit_return", "承办单位退回"
    REPLY = "reply", "答复"
    FEED_BACK = "feed_back", "反馈"
    FOLLOW_UP = "follow_up", "回访"
    REDO = "redo", "不满意重办"
    CLOSE = "close", "办结"


class SuggestionStatus(LabelledEnum):
    """Where a deputy suggestion stands (DOMAIN.md §5)."""

    REGISTERED = "registered", "已登记"
    REFERRED = "referred", "已交办"
    REPLIED = "replied", "已答复"
    RATED = "rated", "已测评"
    CLOSED = "closed", "已办结"


class SuggestionAction(LabelledEnum):
    """One step of a suggestion's handling; each is kept as a `SuggestionEvent`."""

    REGISTER = "register", "登记"
    REFER = "refer", "交办"
    UNIT_RETURN = "unit_return", "承办单位退回"
    REPLY = "reply", "答复"
    RATE = "rate", "代表测评"
    REDO = "redo", "不满意重办"
    CLOSE = "close", "办结"


class ResultClass(LabelledEnum):
    """办理结果分类: the class a unit's reply gives, A to D (spec/cli.md counts by the letter)."""

    SOLVED = "solved", "已解决"
    BEING_SOLVED = "being_solved", "正在解决"
    PLANNED = "planned", "列入计划"
    FOR_REFERENCE = "for_reference", "留作参考"

    @property
    def letter(self) -> str:
        return "ABCD"[list(ResultClass).index(self)]


class ContactStage(LabelledEnum):
    """When the unit met the deputy: 三访两见面 asks for contact before, during and after handling."""

    BEFORE = "before", "办理前"
    DURING = "during", "办理中"
    AFTER = "after", "办理后"


class ContactKind(LabelledEnum):
    """How the unit met the deputy; visits and meetings are what seed 000 §16 counts."""

    VISIT = "visit", "走访"
    MEETING = "meeting", "见面座谈"
    PHONE = "phone", "电话沟通"
    SITE = "site", "现场查看"
