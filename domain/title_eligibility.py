"""Who may apply for which intellectual-property title: 《北京市知识产权专业职称申报标准条件》,
the attachment of 京人社事业发〔2021〕32号.

`assess(person, level, on)` answers for one level and `assess_all(person, on)` for the four;
every refusal cites its line of the attachment ("附件三(一)2(3)" is section 三, condition (一),
item 2, line (3)). Years are counted to the application date `on`.

Reading of the attachment, where it is not arithmetic:
- "从事知识产权工作满 N 年" after a date D: the time in IP work (the person's IP work periods,
  each from its first to its last day) after D, in full years. A continuous period from S
  completes N years on the same day N years later (S + N years ≤ on), and work that began
  before D counts from D; a gap in IP work moves that day later by the length of the gap.
- Every level requires working in IP (the attachment's preamble): an IP work period that
  covers the application date.
- "取得中级职称" (三(一)2(3)(4)) and "取得副高级职称" (四(一)2(1)) name no series: any title of
  that grade counts; lines that need a particular one say so (二(二)6: an economics junior
  title; 三(一)2(5) and 四(一)2(2): a title outside IP).
- 三(二)(三) and 四(二)(三) count performance and achievements "取得中级职称以来" / "取得副高级
  职称后". A person who applies without such a title (三(一)2(1)(2), or the exceptional track
  三(四)) has no such date; for them the count starts at graduation from their highest
  education, the date their qualifying experience runs from.
- The qualitative conditions (knowledge, ethics, 基本条件 1) are judged by the employer's
  recommendation and the committee, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum, StrEnum

from pydantic import Field, model_validator

from domain.calendar import add_months
from domain.inputs import CareerDate, Identifier, Name, ResidentId, Text
from domain.models import Record

MAX_ENTRIES = 100
"""No list of a person's degrees, titles, work periods, performance or achievements is longer."""
MAX_AUTHORS = 1000


class Level(StrEnum):
    """二(一): the four levels, in order."""

    ASSISTANT = "assistant"
    INTERMEDIATE = "intermediate"
    SENIOR = "senior"
    FULL_SENIOR = "full-senior"

    @property
    def chinese(self) -> str:
        return {
            "assistant": "助理知识产权师",
            "intermediate": "知识产权师",
            "senior": "高级知识产权师",
            "full-senior": "正高级知识产权师",
        }[self.value]

    @property
    def by_exam(self) -> bool:
        """三: assistant and intermediate by examination, senior and full senior by review."""
        return self in (Level.ASSISTANT, Level.INTERMEDIATE)


class Direction(StrEnum):
    """二(二): the two directions."""

    SERVICES = "services"
    MANAGEMENT = "management"

    @property
    def chinese(self) -> str:
        return {"services": "知识产权服务", "management": "知识产权运营管理"}[self.value]


class Education(IntEnum):
    """Degrees the attachment names, lowest first."""

    HIGH_SCHOOL = 1  # 高中, 中专, 职高, 技校
    JUNIOR_COLLEGE = 2  # 大学专科
    BACHELOR = 3  # 大学本科
    SECOND_BACHELOR = 4  # 第二学士学位或研究生班
    MASTER = 5  # 硕士研究生
    DOCTORATE = 6  # 博士研究生


EDUCATION_NAMES = {
    "high-school": Education.HIGH_SCHOOL,
    "junior-college": Education.JUNIOR_COLLEGE,
    "bachelor": Education.BACHELOR,
    "second-bachelor": Education.SECOND_BACHELOR,
    "master": Education.MASTER,
    "doctorate": Education.DOCTORATE,
}


class Grade(IntEnum):
    """Grades of a professional title."""

    JUNIOR = 1  # 初级
    INTERMEDIATE = 2  # 中级
    DEPUTY_HIGH = 3  # 副高级
    FULL_HIGH = 4  # 正高级


GRADE_NAMES = {
    "junior": Grade.JUNIOR,
    "intermediate": Grade.INTERMEDIATE,
    "deputy-high": Grade.DEPUTY_HIGH,
    "full-high": Grade.FULL_HIGH,
}


class Degree(Record):
    education: Identifier = Field(
        description="high-school, junior-college, bachelor, second-bachelor, master or doctorate"
    )
    graduated_on: CareerDate

    @model_validator(mode="after")
    def _known(self) -> Degree:
        if self.education not in EDUCATION_NAMES:
            raise ValueError(f"education: one of {', '.join(EDUCATION_NAMES)}")
        return self

    @property
    def rank(self) -> Education:
        return EDUCATION_NAMES[self.education]


class TitleHeld(Record):
    grade: Identifier = Field(description="junior, intermediate, deputy-high or full-high")
    series: Name = Field(min_length=1, description="the title series, e.g. economics, engineering")
    intellectual_property: bool = Field(description="a title of this IP speciality")
    obtained_on: CareerDate

    @model_validator(mode="after")
    def _known(self) -> TitleHeld:
        if self.grade not in GRADE_NAMES:
            raise ValueError(f"grade: one of {', '.join(GRADE_NAMES)}")
        return self

    @property
    def rank(self) -> Grade:
        return GRADE_NAMES[self.grade]


class WorkPeriod(Record):
    """A period of intellectual-property work, first and last day; `until` None: to date."""

    since: CareerDate
    until: CareerDate | None = None
    employer: Name = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> WorkPeriod:
        if self.until is not None and self.until < self.since:
            raise ValueError("until: a work period ends after it starts")
        return self


MAX_ALTERNATIVES = 3
ALTERNATIVES: dict[Direction, tuple[int, int, int]] = {
    # How many alternatives each line (1)–(3) of 附件三(二) / 四(二) lists, per direction: the
    # clauses after “；或” (a semicolon), each naming its own role; a “，或” (a comma) joins objects
    # under one role (专利…，或…商标…，或…版权) and opens no alternative.
    Direction.SERVICES: (1, 2, 1),
    Direction.MANAGEMENT: (3, 1, 3),
}


class Performance(Record):
    """三(二) / 四(二): a performance condition, by direction and line (1)–(3)."""

    direction: Direction
    line: int = Field(ge=1, le=3)
    alternative: int = Field(
        default=1, ge=1, le=MAX_ALTERNATIVES, description="which of the line's alternatives (“或…”), in order"
    )
    principal: bool = Field(description="作为主要负责人 / 主持 (四(二) asks for it, line by line)")
    achieved_on: CareerDate
    summary: Text = Field(min_length=1)

    @model_validator(mode="after")
    def _alternative_exists(self) -> Performance:
        if self.alternative > ALTERNATIVES[self.direction][self.line - 1]:
            raise ValueError(
                f"alternative: line ({self.line}) of {self.direction.chinese} has "
                f"{ALTERNATIVES[self.direction][self.line - 1]} alternative(s)"
            )
        return self


FULL_SENIOR_OPEN_TO_PARTICIPANTS: frozenset[tuple[Direction, int, int]] = frozenset(
    {
        # 附件四(二)2(1): “或参与制定重要知识产权政策规章、行业规划、行业标准等…”
        (Direction.MANAGEMENT, 1, 2),
        # 附件四(二)2(1): “或参与全市知识产权公共服务体系建设工作，组织开展有较大影响的知识产权活动…”
        (Direction.MANAGEMENT, 1, 3),
    }
)
# Not 附件四(二)2(3) “或建立本单位知识产权防控体系并有效运行”: it names no role, but where the
# deputy-high line 三(二)2(3) says “或参与建立”, the full-senior line drops 参与: the person
# built it (led its building), which a participant did not.
"""附件四(二): the (direction, line, alternative)s that do not name 主要负责人 or 主持; every other
alternative does (四(二)1(1)–(3) both alternatives of (2) included: “作为主要负责人…；或主持办理…”;
四(二)2(1) first “主持制订”, 2(2) “作为主要负责人”, 2(3) first “作为主要负责人”, third “多次主持完成”)."""


def full_senior_performance_counts(performance: Performance) -> bool:
    """附件四(二), line by line: the principal role where the alternative names it."""
    key = (performance.direction, performance.line, performance.alternative)
    return performance.principal or key in FULL_SENIOR_OPEN_TO_PARTICIPANTS


class AchievementKind(StrEnum):
    REPORT = "report"  # research/project report, standard, plan (三(三)1, 四(三)1)
    BOOK = "book"  # monograph, textbook, handbook published (三(三)2, 四(三)2)
    PAPER = "paper"  # journal paper (三(三)3, 四(三)3)
    DEPARTMENT = "department"  # head of the IP department of a rated unit (三(三)4, 四(三)4)


class Achievement(Record):
    kind: AchievementKind
    achieved_on: CareerDate
    title: Name = Field(min_length=1)
    led: bool = Field(default=False, description="主持 / 主要负责人 (四(三)1 and 4 ask for it)")
    author_rank: int | None = Field(
        default=None, ge=1, le=MAX_AUTHORS, description="papers: place among the authors"
    )
    core_journal: bool = Field(default=False, description="papers: a core journal (四(三)3)")
    unit_rating: Identifier | None = Field(default=None, description="department: provincial or national")

    @model_validator(mode="after")
    def _complete(self) -> Achievement:
        if self.kind is AchievementKind.PAPER and self.author_rank is None:
            raise ValueError("author_rank: a paper names the applicant's place among its authors")
        if self.kind is AchievementKind.DEPARTMENT and self.unit_rating not in ("provincial", "national"):
            raise ValueError("unit_rating: provincial or national")
        return self


class ExceptionalGround(StrEnum):
    """三(四): the exceptional track to senior, which waives 三(一)2."""

    EXPERT = "expert"  # 1 national IP expert advisory committee, expert pool, leading talent
    AWARD = "award"  # 2 first three completers of research with a provincial/ministerial award
    PATENT_AWARD = "patent-award"  # 3 China Patent Silver Award, Beijing invention 1st prize …
    ADOPTED_RESEARCH = "adopted-research"  # 4 led research adopted by a provincial authority

    @property
    def line(self) -> str:
        return "附件三(四)" + str(list(ExceptionalGround).index(self) + 1)


class Applicant(Record):
    """What the eligibility check reads of a person."""

    name: Name = Field(min_length=1)
    id_number: ResidentId = Field(min_length=6, description="identity document number")
    degrees: tuple[Degree, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    titles: tuple[TitleHeld, ...] = Field(default=(), max_length=MAX_ENTRIES)
    ip_work: tuple[WorkPeriod, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    performance: tuple[Performance, ...] = Field(default=(), max_length=MAX_ENTRIES)
    achievements: tuple[Achievement, ...] = Field(default=(), max_length=MAX_ENTRIES)
    exceptional: tuple[ExceptionalGround, ...] = Field(default=(), max_length=len(ExceptionalGround))
    employer: Name = Field(min_length=1)


class Refusal(Record):
    line: str
    reason: str


class Eligibility(Record):
    level: Level
    eligible: bool
    basis: str | None = Field(description="the line that is met, e.g. 附件三(一)2(3) or 附件三(四)1")
    refusals: tuple[Refusal, ...] = ()

    def explain(self) -> str:
        return "；".join(f"{r.line}：{r.reason}" for r in self.refusals)


# -- years of IP work ------------------------------------------------------------------------------


def years_completed_on(periods: Iterable[WorkPeriod], since: date, years: int) -> date | None:
    """The day on which the IP work after `since` reaches `years` full years, if the periods
    reach it at all: a continuous period from S completes them on S + years; each gap moves
    that day later by the gap's length."""
    spans = _merged((max(p.since, since), p.until) for p in periods if p.until is None or p.until >= since)
    if not spans:
        return None
    start = spans[0][0]
    completed = add_months(start, 12 * years)
    previous_end = spans[0][1]
    for span_start, span_end in spans[1:]:
        if previous_end is None or completed <= previous_end + timedelta(days=1):
            break
        completed += span_start - (previous_end + timedelta(days=1))
        previous_end = span_end
    if previous_end is not None and completed > previous_end + timedelta(days=1):
        return None
    return completed


def _merged(spans: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    out: list[tuple[date, date | None]] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if out and (out[-1][1] is None or start <= out[-1][1] + timedelta(days=1)):
            last_start, last_end = out[-1]
            out[-1] = (last_start, None if end is None or last_end is None else max(end, last_end))
        else:
            out.append((start, end))
    return out


def has_years(periods: Iterable[WorkPeriod], since: date, years: int, on: date) -> bool:
    completed = years_completed_on(tuple(periods), since, years)
    return completed is not None and completed <= on


def working_in_ip(periods: Iterable[WorkPeriod], on: date) -> bool:
    return any(p.since <= on and (p.until is None or p.until >= on) for p in periods)


# -- the lines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One alternative of an education-and-experience condition."""

    line: str
    text: str
    education: Education | None = None  # at least this degree
    education_exactly: bool = False  # this degree (专科 lines), not above
    title: Grade | None = None  # a title of this grade held
    title_ip: bool | None = None  # None: any; False: outside IP; True: IP
    title_series: str | None = None
    years: int = 0
    from_title: bool = False  # years since the title, not since graduation


INTERMEDIATE_LINES = (
    _Line("附件二(二)1", "博士研究生毕业，从事知识产权工作", Education.DOCTORATE),
    _Line("附件二(二)2", "硕士研究生毕业后从事知识产权工作满1年", Education.MASTER, years=1),
    _Line(
        "附件二(二)3", "第二学士学位或研究生班毕业后从事知识产权工作满2年", Education.SECOND_BACHELOR, years=2
    ),
    _Line("附件二(二)4", "大学本科毕业后从事知识产权工作满4年", Education.BACHELOR, years=4),
    _Line("附件二(二)5", "大学专科毕业后从事知识产权工作满6年", Education.JUNIOR_COLLEGE, years=6),
    _Line(
        "附件二(二)6",
        "高中或中专毕业、取得经济系列初级职称后从事知识产权工作满10年",
        Education.HIGH_SCHOOL,
        title=Grade.JUNIOR,
        title_series="economics",
        years=10,
        from_title=True,
    ),
)
SENIOR_LINES = (
    _Line("附件三(一)2(1)", "博士研究生毕业后从事知识产权工作满2年", Education.DOCTORATE, years=2),
    _Line("附件三(一)2(2)", "硕士研究生毕业后从事知识产权工作满7年", Education.MASTER, years=7),
    _Line(
        "附件三(一)2(3)",
        "大学本科及以上学历毕业、取得中级职称后从事知识产权工作满5年",
        Education.BACHELOR,
        title=Grade.INTERMEDIATE,
        years=5,
        from_title=True,
    ),
    _Line(
        "附件三(一)2(4)",
        "大学专科毕业、取得中级职称后从事知识产权工作满10年",
        Education.JUNIOR_COLLEGE,
        education_exactly=True,
        title=Grade.INTERMEDIATE,
        years=10,
        from_title=True,
    ),
    _Line(
        "附件三(一)2(5)",
        "取得非本专业副高级职称后从事知识产权工作满3年",
        title=Grade.DEPUTY_HIGH,
        title_ip=False,
        years=3,
        from_title=True,
    ),
)
FULL_SENIOR_LINES = (
    _Line(
        "附件四(一)2(1)",
        "大学本科及以上学历毕业、取得副高级职称后从事知识产权工作满5年",
        Education.BACHELOR,
        title=Grade.DEPUTY_HIGH,
        years=5,
        from_title=True,
    ),
    _Line(
        "附件四(一)2(2)",
        "取得非本专业正高级职称后从事知识产权工作满3年",
        title=Grade.FULL_HIGH,
        title_ip=False,
        years=3,
        from_title=True,
    ),
)
MIN_ACHIEVEMENTS = 3
"""三(三), 四(三): at least three achievements (以上 includes three)."""


def _line_met(line: _Line, person: Applicant, on: date) -> tuple[bool, str, date | None]:
    """Whether the line is met on `on`; if not, why; and the date the count of performance
    and achievements starts from when it is."""
    degrees = [
        d
        for d in person.degrees
        if d.graduated_on <= on
        and (
            line.education is None
            or (d.rank == line.education if line.education_exactly else d.rank >= line.education)
        )
    ]
    if line.education is not None and not degrees:
        return False, "学历不符", None
    graduated = min((d.graduated_on for d in degrees), default=None)
    titles = [
        t
        for t in person.titles
        if t.obtained_on <= on
        and line.title is not None
        and t.rank == line.title
        and (line.title_ip is None or t.intellectual_property == line.title_ip)
        and (line.title_series is None or t.series == line.title_series)
    ]
    if line.title is not None and not titles:
        return False, "未取得所需职称", None
    anchor = min(t.obtained_on for t in titles) if line.from_title else graduated
    assert anchor is not None
    if line.years and not has_years(person.ip_work, anchor, line.years, on):
        completed = years_completed_on(person.ip_work, anchor, line.years)
        when = f"，满{line.years}年之日为{completed.isoformat()}" if completed else ""
        return False, f"自{anchor.isoformat()}起从事知识产权工作不满{line.years}年{when}", None
    return True, "", anchor


def _first_line(
    lines: tuple[_Line, ...], person: Applicant, on: date
) -> tuple[_Line | None, date | None, list[Refusal]]:
    refusals = []
    for line in lines:
        met, why, anchor = _line_met(line, person, on)
        if met:
            return line, anchor, []
        refusals.append(Refusal(line=line.line, reason=f"{line.text}：{why}"))
    return None, None, refusals


def _count_since(person: Applicant, grade: Grade, on: date) -> date:
    """三(二)(三) / 四(二)(三): the day from which performance and achievements count."""
    # Typed here: the boundary's date types (CareerDate) are Any to mypy.
    titles: list[date] = [t.obtained_on for t in person.titles if t.rank == grade and t.obtained_on <= on]
    if titles:
        return min(titles)
    graduated: list[date] = [d.graduated_on for d in person.degrees if d.graduated_on <= on]
    return max(graduated)


def _achievement_counts(achievement: Achievement, level: Level) -> bool:
    if level is Level.SENIOR:
        return {
            AchievementKind.REPORT: True,  # 三(三)1 参与完成
            AchievementKind.BOOK: True,  # 三(三)2 参与撰写并正式出版
            AchievementKind.PAPER: (achievement.author_rank or 99) <= 3,  # 三(三)3 排名前三
            AchievementKind.DEPARTMENT: achievement.unit_rating in ("provincial", "national"),
        }[achievement.kind]
    return {
        AchievementKind.REPORT: achievement.led,  # 四(三)1 主持完成
        AchievementKind.BOOK: True,  # 四(三)2 正式出版
        AchievementKind.PAPER: achievement.author_rank == 1 and achievement.core_journal,  # 四(三)3
        AchievementKind.DEPARTMENT: achievement.led and achievement.unit_rating == "national",
    }[achievement.kind]


def _performance_and_achievements(
    person: Applicant, level: Level, direction: Direction, since: date, on: date
) -> list[Refusal]:
    section = "三" if level is Level.SENIOR else "四"
    title_name = "中级职称" if level is Level.SENIOR else "副高级职称"
    refusals = []
    performance = [
        p
        for p in person.performance
        if p.direction is direction
        and since <= p.achieved_on <= on
        and (level is Level.SENIOR or full_senior_performance_counts(p))
    ]
    if not performance:
        role = "" if level is Level.SENIOR else "符合所列角色（主要负责人、主持或参与）"
        refusals.append(
            Refusal(
                line=f"附件{section}(二){1 if direction is Direction.SERVICES else 2}",
                reason=f"自{since.isoformat()}（取得{title_name}或毕业）以来无{role}{direction.chinese}方向的业绩条件",
            )
        )
    counted = [
        a for a in person.achievements if since <= a.achieved_on <= on and _achievement_counts(a, level)
    ]
    if len(counted) < MIN_ACHIEVEMENTS:
        refusals.append(
            Refusal(
                line=f"附件{section}(三)",
                reason=f"自{since.isoformat()}以来符合条件的成果{len(counted)}项，须{MIN_ACHIEVEMENTS}项以上",
            )
        )
    return refusals


def assess(person: Applicant, level: Level, direction: Direction, on: date) -> Eligibility:
    """Whether `person` may apply for `level` in `direction` on `on`, and why not."""
    refusals: list[Refusal] = []
    if not working_in_ip(person.ip_work, on):
        refusals.append(Refusal(line="附件（总则）", reason=f"{on.isoformat()}未从事知识产权专业工作"))
    basis: str | None = None
    if level is Level.ASSISTANT:
        if any(d.graduated_on <= on for d in person.degrees):
            basis = "附件一(二)"
        else:
            refusals.append(Refusal(line="附件一(二)", reason="不具备高中（含中专、职高、技校）以上学历"))
    elif level is Level.INTERMEDIATE:
        line, _, why = _first_line(INTERMEDIATE_LINES, person, on)
        basis = line.line if line else None
        refusals += why
    elif level is Level.SENIOR:
        line, since, why = _first_line(SENIOR_LINES, person, on)
        exceptional = sorted(person.exceptional, key=lambda g: g.line)
        if line is None and exceptional:
            basis, since = exceptional[0].line, _count_since(person, Grade.INTERMEDIATE, on)
        elif line is None:
            refusals += why
            refusals.append(Refusal(line="附件三(四)", reason="不具备破格申报条件"))
        else:
            basis = line.line
            since = _count_since(person, Grade.INTERMEDIATE, on)
        if since is not None:
            refusals += _performance_and_achievements(person, level, direction, since, on)
    else:
        line, since, why = _first_line(FULL_SENIOR_LINES, person, on)
        refusals += why
        if line is not None:
            basis = line.line
            refusals += _performance_and_achievements(
                person, level, direction, _count_since(person, Grade.DEPUTY_HIGH, on), on
            )
    return Eligibility(level=level, eligible=not refusals, basis=basis, refusals=tuple(refusals))


def assess_all(person: Applicant, direction: Direction, on: date) -> dict[Level, Eligibility]:
    """Which of the four levels `person` may apply for on `on`."""
    return {level: assess(person, level, direction, on) for level in Level}
