"""The catalog of recognised foreign professional qualifications (京人社事业发〔2021〕33号, 附件1:
《国家服务业扩大开放综合示范区和中国(北京)自由贸易试验区境外职业资格认可目录(1.0版)》, 82 items).

The catalog is data: `domain/data/qualification-catalog-1.0.json`, built from the gazette's
table by `parse_gazette_catalog` (run `python -m domain.catalog GAZETTE OUT` to build it again)
and loaded into PostgreSQL by the worker (activities.qualification). 四 ("适时对《目录》进行升级
完善"): a later version is loaded beside it and becomes the one in force; a case keeps the version
it was judged under.

Each row's remarks (备注) are kept as printed and parsed into structure:

- `work_allowed`: the work the holder may do (the remarks less the parenthesised conditions);
- `experience`: "需要有两年相关工作经验" (two years; row 52 says 两学年, two school years);
- `registration`: registration (注册) or filing (备案) with a named authority before practising,
  and whom it binds ("注册会计师须在…注册后执业": the practising accountant only);
- `exemptions`: what the remarks waive ("可不受母语限制"; "环球影城项目可不受年龄、工作经验限制").

This module is pure: it parses text and validates documents; reading files is the caller's.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from domain.models import Record

CATALOG_SOURCE = "京人社事业发〔2021〕33号"
CATALOG_TITLE = "国家服务业扩大开放综合示范区和中国(北京)自由贸易试验区境外职业资格认可目录"
FIRST_VERSION = "1.0"
FIRST_PUBLISHED_ON = date(2021, 8, 23)
FIRST_DATA_FILE = "qualification-catalog-1.0.json"
"""The data file of 1.0版, under domain/data/."""


class QualificationField(StrEnum):
    """The ten fields (领域) of the catalog, in the gazette's order."""

    FINANCE = "finance"
    BUILDING_AND_ENGINEERING = "building-and-engineering"
    TECHNOLOGY_SERVICES = "technology-services"
    INTERNET_INFORMATION = "internet-information"
    EDUCATION = "education"
    SPORT = "sport"
    CULTURE_TOURISM_ENTERTAINMENT = "culture-tourism-entertainment"
    BUSINESS_SERVICES = "business-services"
    MEDICAL_AND_HEALTH = "medical-and-health"
    MODERN_AGRICULTURE = "modern-agriculture"

    @property
    def chinese(self) -> str:
        return _FIELD_NAMES[self]

    @classmethod
    def from_chinese(cls, name: str) -> QualificationField:
        for member, chinese in _FIELD_NAMES.items():
            if chinese == name:
                return member
        raise ValueError(f"no catalog field named {name!r}")


_FIELD_NAMES: dict[QualificationField, str] = {
    QualificationField.FINANCE: "金融",
    QualificationField.BUILDING_AND_ENGINEERING: "建筑与工程服务",
    QualificationField.TECHNOLOGY_SERVICES: "科技服务",
    QualificationField.INTERNET_INFORMATION: "互联网信息",
    QualificationField.EDUCATION: "教育",
    QualificationField.SPORT: "体育",
    QualificationField.CULTURE_TOURISM_ENTERTAINMENT: "文化旅游及娱乐服务",
    QualificationField.BUSINESS_SERVICES: "商业服务",
    QualificationField.MEDICAL_AND_HEALTH: "医疗健康服务",
    QualificationField.MODERN_AGRICULTURE: "现代农业",
}


class Experience(Record):
    """ "需要有两年相关工作经验" (or 两学年, row 52): relevant experience the work needs."""

    years: int = Field(ge=1)
    unit: Literal["年", "学年"] = "年"
    text: str


class Registration(Record):
    """Registration (注册) or filing (备案) with a named authority before practising.
    `applies_to` names whom it binds when the remarks say so (注册会计师, 执业药师, 从事职业病治疗的);
    `beijing` says the authority is the city's own (我市…主管部门)."""

    act: Literal["注册", "备案"]
    authority: str
    applies_to: str | None = None
    beijing: bool
    text: str


class Exemption(Record):
    """What the remarks waive ("可不受…限制"), and for what (`scope`: 环球影城项目), if limited."""

    waives: tuple[str, ...]
    scope: str | None = None
    text: str


class CatalogRow(Record):
    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    issuer: str = Field(min_length=1, description="证书颁发机构, in Chinese")
    issuer_en: str | None = Field(default=None, description="the issuer's English name, where printed")
    country: str | None = Field(default=None, description="国家(地区); blank where the gazette leaves it")
    field: QualificationField
    remarks: str
    work_allowed: str
    experience: Experience | None = None
    registration: Registration | None = None
    exemptions: tuple[Exemption, ...] = ()


class Catalog(Record):
    version: str = Field(min_length=1, max_length=16)
    title: str
    source: str
    published_on: date
    rows: tuple[CatalogRow, ...] = Field(min_length=1)

    def row(self, number: int) -> CatalogRow | None:
        return next((r for r in self.rows if r.number == number), None)

    def counts(self) -> dict[QualificationField, int]:
        return {f: sum(1 for r in self.rows if r.field is f) for f in QualificationField}


# -- parsing the gazette ------------------------------------------------------------------------

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_EXPERIENCE = re.compile(r"[(（]?需要有两(学?)年相关工作经验[)）]?")
_EXEMPTION = re.compile(r"[(（]?([^(（,，;；。]*?项目)?可不受(.+?)限制[)）]?[,，]?")
_MUST_REGISTER = re.compile(r"(?:^|[，,;；])([^，,;；(（]*?)须在(.+?)(注册|备案)")
_FILED_WITH = re.compile(r"经(.+?)(备案|注册)[,，]?")


def _joined(text: str) -> str:
    """The table's cells were wrapped: a space between two Chinese characters is a line break."""
    return _CJK_GAP.sub("", " ".join(text.split()))


def split_issuer(cell: str) -> tuple[str, str | None]:
    """证书颁发机构: the Chinese name, then the English one. A run of Latin words (two or more)
    after Chinese text is an English name; a single Latin word (IEEE) is part of the Chinese
    name. Two issuers (row 19) are joined with "；" in each language."""
    tokens = cell.split()
    pairs: list[tuple[str, str | None]] = []
    chinese: list[str] = []
    index = 0
    while index < len(tokens):
        if _HAS_CJK.search(tokens[index]):
            chinese.append(tokens[index])
            index += 1
            continue
        run = []
        while index < len(tokens) and not _HAS_CJK.search(tokens[index]):
            run.append(tokens[index])
            index += 1
        if chinese and (len(run) >= 2 or index == len(tokens)):
            pairs.append((_joined(" ".join(chinese)), " ".join(run)))
            chinese = []
        else:
            chinese.extend(run)
    if chinese:
        pairs.append((_joined(" ".join(chinese)), None))
    zh = "；".join(name for name, _ in pairs)
    en = "; ".join(name for _, name in pairs if name) or None
    return zh, en


def parse_remarks(remarks: str) -> tuple[str, Experience | None, Registration | None, tuple[Exemption, ...]]:
    """备注 → (work allowed, experience, registration, exemptions)."""
    experience = None
    if found := _EXPERIENCE.search(remarks):
        experience = Experience(years=2, unit="学年" if found[1] else "年", text=found[0].strip("()（）"))
    exemptions = tuple(
        Exemption(
            waives=tuple(_joined(found[2]).split("、")),
            scope=found[1] or None,
            text=found[0].strip("()（）,，"),
        )
        for found in _EXEMPTION.finditer(remarks)
    )
    registration = None
    if found := _MUST_REGISTER.search(remarks):
        authority = found[2]
        registration = Registration(
            act="注册" if found[3] == "注册" else "备案",
            authority=authority,
            applies_to=found[1] or None,
            beijing=authority.startswith("我市"),
            text=found[0].lstrip("，,;；"),
        )
    elif found := _FILED_WITH.search(remarks):
        registration = Registration(
            act="备案" if found[2] == "备案" else "注册",
            authority=found[1],
            beijing=found[1].startswith("我市"),
            text=found[0].rstrip("，,"),
        )
    work = _EXPERIENCE.sub("", remarks)
    # The exemption of 环球影城 is a parenthesis of its own; 母语 is part of the sentence.
    work = re.sub(r"[(（][^()（）]*可不受[^()（）]*[)）]", "", work)
    work = _EXEMPTION.sub("", work)
    if registration is not None and registration.text.startswith("经"):
        work = work.replace(registration.text, "").lstrip("，,")
    return work.rstrip("。").strip(), experience, registration, exemptions


def parse_row(cells: Sequence[str]) -> CatalogRow:
    number, name, issuer, country, field_name, remarks = (cell.strip() for cell in cells)
    zh, en = split_issuer(issuer)
    text = _joined(remarks)
    work, experience, registration, exemptions = parse_remarks(text)
    return CatalogRow(
        number=int(number),
        name=_joined(name),
        issuer=zh,
        issuer_en=en,
        country=_joined(country) or None,
        field=QualificationField.from_chinese(_joined(field_name)),
        remarks=text,
        work_allowed=work,
        experience=experience,
        registration=registration,
        exemptions=exemptions,
    )


def parse_gazette_catalog(lines: Iterable[str]) -> Catalog:
    """附件1's table: the lines from "(共计 82 项)" to "附件 2", one row per line, tab-separated
    (number, name, issuer, country, field, remarks), with the header line repeated per page."""
    rows: list[CatalogRow] = []
    inside = False
    declared = 0
    for line in lines:
        if found := re.search(r"[(（]共计\s*(\d+)\s*项[)）]", line):
            inside, declared = True, int(found[1])
            continue
        if inside and line.strip() == "附件 2":
            break
        if inside and re.match(r"^\d+\t", line):
            cells = line.split("\t")
            if len(cells) != 6:
                raise ValueError(f"row {cells[0]}: {len(cells)} cells, not 6")
            rows.append(parse_row(cells))
    if not rows or len(rows) != declared:
        raise ValueError(f"the table says {declared} items; {len(rows)} rows were read")
    if [r.number for r in rows] != list(range(1, len(rows) + 1)):
        raise ValueError("the rows are not numbered 1, 2, 3…")
    return Catalog(
        version=FIRST_VERSION,
        title=f"{CATALOG_TITLE}({FIRST_VERSION}版)",
        source=CATALOG_SOURCE,
        published_on=FIRST_PUBLISHED_ON,
        rows=tuple(rows),
    )


def catalog_document(catalog: Catalog) -> str:
    """The data file's text (stable: sorted keys off, the gazette's order kept)."""
    return json.dumps(catalog.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"


def main(argv: Sequence[str]) -> int:
    """python -m domain.catalog GAZETTE OUT: build the data file from the gazette's text."""
    if len(argv) != 2:
        print("usage: python -m domain.catalog GAZETTE.txt OUT.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as gazette:
        catalog = parse_gazette_catalog(gazette.read().splitlines())
    with open(argv[1], "w", encoding="utf-8") as out:
        out.write(catalog_document(catalog))
    counts = ", ".join(f"{f.chinese} {n}" for f, n in catalog.counts().items())
    print(f"{len(catalog.rows)} rows ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
