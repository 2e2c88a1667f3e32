"""Programme I of the foreign-trade development fund: 京商财务字〔2021〕33号, 《北京市外经贸发展资金
支持北京市外贸企业提升国际化经营能力实施方案》 with attachment 1 (who may apply for what) and
attachment 2 (support contents and standards).

`quote(enterprise, claim, on)` says, for one claimed expense, whether it is supported and how
much, with every cut and the rule (line of attachment 2, or section) that made it;
`quote_all` quotes a project's claims and adds the ¥300,000 cap on the project (四(三)) and the
annual cap per enterprise (四(四)). `on` is the day the disbursement application is filed
(附件2 二–五, 十: "当年提交资金拨付申请"). Amounts are yuan, `Decimal`, and support is rounded
down to the fen: a cut never rounds up.

Readings where the text leaves a choice (each is tested):
- Caps bound the support amount, after the ratio (the column is 每个项目最高支持限额).
- 一 booth fees: "3 万元/每个展位(9 平米)": the booths are the standard 9 m² booths the
  space holds, counted down (a 36 m² raw space is 4 booths, 40 m² also 4); a space under 9 m²
  is one booth.
- Items are named, not numbered: attachment 1 and attachment 2 number them differently.
- 十一 to 十三 name caps for comprehensive service, dual-autonomous and SME enterprises; an
  enterprise in several categories gets the highest of its caps; an FTZ or high-tech
  enterprise in none of the three gets the SME cap (the lowest the row names).
- 十四 "人均标准一般不超过200元": the ¥200 a head is applied as a cap on the cost supported.
- 九's allowance "按国家规定的访问国补助标准核算": the national rates are not held here; the
  claimed allowance is taken as computed at them, and only persons and days are cut.
- 四(三) "每个企业项目支持金额最高不超过30万元": a project is what one case carries (one
  registration, one plan, one disbursement); the cap bounds the sum of the project's claims
  other than financing and product certification, after each row's own caps. A group project
  (团体项目, 二(二)) is not an enterprise project: it has training's own caps only.
- 十五 names ¥500,000, but 四(三) excepts only financing and product certification from the
  ¥300,000 project cap, so a 三同 project gets at most ¥300,000.
- 一(一)3(5) "在证书有效期内开展国际市场开拓业务": the high-tech category is judged on the day
  each claimed expense was incurred, not on the day of the quote.
- 五(二), 五(三): a disbursement claims what the plan listed; a claim of an item the plan did
  not list (each plan line answers one claim) is refused.
- 六 (promotion) leaves the ratio column blank: the general note applies (50 %, 70 % for
  emerging markets). spec/subsidy.md says 50; the gazette's blank cell is the general rule.
- The ratio is the highest the row allows for the claim: 70 % where the row says 70, or
  "50 或 70" and the market is emerging (注); otherwise 50 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import TypeVar

from pydantic import Field, model_validator

from domain.beijing import District
from domain.errors import InvalidInputError
from domain.inputs import Amount, FactDate, Identifier, Name, PlannedDate, Uscc, ValidityDate
from domain.models import Record

CUT_OVER = date(2021, 1, 1)
"""六: projects before 2021-01-01 fall under 京商务财务字[2018]24号."""
MIN_SPEND = Decimal(10_000)
"""四(一): spend of at least ¥10,000 (含1万元), except market survey, online fairs, financing."""
PROJECT_CAP = Decimal(300_000)
"""四(三): at most ¥300,000 per enterprise project, except financing and product certification."""
ANNUAL_CAP = Decimal(1_000_000)
"""四(四): at most ¥1,000,000 per enterprise a year, except dual-autonomous and service enterprises."""
SME_TRADE_LIMIT_USD = 65_000_000
"""一(一)3(1): last year's customs import and export below USD 65 million."""
FEN = Decimal("0.01")
MAX_TRADE_USD = 10**12
"""Beijing's whole foreign trade is some USD 500 billion a year; an enterprise's is less."""


class Category(StrEnum):
    """一(一)3: the enterprise categories."""

    SME = "sme"
    DUAL_AUTONOMOUS = "dual-autonomous"
    SERVICE = "comprehensive-service"
    FTZ = "ftz"
    HIGH_TECH = "high-tech"


class DualBasis(StrEnum):
    """一(一)3(2) ①–④."""

    TRADEMARKS = "trademark-home-and-export"  # ①
    PATENTS = "patent-home-and-export"  # ②
    EXPORT_TRADEMARK_AND_PATENT = "export-trademark-and-patent"  # ③
    LAOZIHAO = "laozihao"  # ④ 中华老字号


class Holder(StrEnum):
    """一(一)3(2): who holds the trademark or patent (视同该企业持有)."""

    ENTERPRISE = "enterprise"
    PARENT = "wholly-owning-domestic-parent"  # 一是
    SUBSIDIARY = "wholly-owned-domestic-subsidiary"  # 二是
    SUBSIDIARY_OF_SUBSIDIARY = "company-set-up-by-that-subsidiary"  # 三是
    OTHER = "other"


class Enterprise(Record):
    """What the rules read of an applicant enterprise."""

    uscc: Uscc = Field(min_length=18, max_length=18)
    name: Name = Field(min_length=1)
    district: District
    trade_usd_last_year: int = Field(
        ge=0, le=MAX_TRADE_USD, description="customs import + export last year, USD"
    )
    dual_basis: DualBasis | None = None
    dual_holder: Holder = Holder.ENTERPRISE
    comprehensive_service: bool = Field(default=False, description="MOFCOM pilot or Beijing-certified")
    ftz: bool = Field(default=False, description="registered in the Beijing pilot free trade zone")
    high_tech_valid_until: ValidityDate | None = None
    high_tech_valid_from: FactDate | None = Field(
        default=None, description="一(一)3(5): the high-tech certificate's first day of validity"
    )

    def high_tech_on(self, on: date) -> bool:
        """一(一)3(5): the high-tech certificate is valid on `on`."""
        if self.high_tech_valid_until is None or self.high_tech_valid_until < on:
            return False
        return self.high_tech_valid_from is None or self.high_tech_valid_from <= on

    def categories(self, on: date) -> frozenset[Category]:
        found = set()
        if self.trade_usd_last_year < SME_TRADE_LIMIT_USD:
            found.add(Category.SME)
        if self.dual_basis is not None and (
            self.dual_basis is DualBasis.LAOZIHAO or self.dual_holder is not Holder.OTHER
        ):
            found.add(Category.DUAL_AUTONOMOUS)
        if self.comprehensive_service:
            found.add(Category.SERVICE)
        if self.ftz:
            found.add(Category.FTZ)
        if self.high_tech_on(on):
            found.add(Category.HIGH_TECH)
        return frozenset(found)

    @property
    def applicant_id(self) -> str:
        return self.uscc


class Region(StrEnum):
    LATIN_AMERICA = "latin-america"
    AFRICA = "africa"
    MIDDLE_EAST = "middle-east"
    EASTERN_EUROPE = "eastern-europe"
    SOUTHEAST_ASIA = "southeast-asia"
    CENTRAL_ASIA = "central-asia"
    OTHER = "other"

    @property
    def emerging(self) -> bool:
        """四(二), 注: the emerging markets."""
        return self is not Region.OTHER


class Item(StrEnum):
    FAIR_BOOTH = "fair-booth"
    FAIR_FREIGHT = "fair-freight"
    MANAGEMENT_CERT = "management-certification"
    PRODUCT_CERT = "product-certification"
    PATENT_INVENTION = "patent-invention"
    PATENT_UTILITY = "patent-utility-model"
    PATENT_DESIGN = "patent-design"
    TRADEMARK = "trademark"
    PROMO_MATERIAL = "promotion-material"
    PROMO_VIDEO = "promotion-video"
    WEBSITE = "website"
    ONLINE_MARKETING = "online-marketing"
    INFO_SYSTEM = "information-system"
    ADVERTISING = "overseas-advertising"
    SURVEY_TRANSPORT = "survey-transport"
    SURVEY_ALLOWANCE = "survey-allowance"
    BID_DOCUMENTS = "bid-documents"
    BID_DESIGN = "bid-design"
    BID_TRANSPORT = "bid-transport"
    ERP_DOCKING = "erp-docking"
    CREDIT_REPORTS = "credit-reports"
    FINANCING = "financing-interest"
    TRAINING = "training"
    SANTONG = "santong-label"
    ONLINE_BOOTH = "online-fair-booth"
    ONLINE_OTHER = "online-fair-other"


@dataclass(frozen=True)
class Row:
    """A line of attachment 2."""

    line: str  # e.g. 附件2 一（展位费）
    ratio: str  # "50", "70", "50/70"
    cap: Decimal | None  # per project, after the ratio; None: none (or by category / per unit)
    min_spend: bool = True  # 四(一) applies
    project_cap: bool = True  # 四(三) applies
    not_sme: bool = False  # attachment 1 (八)–(十): the SME cell is empty
    group_only: bool = False  # 二(二): training is a group project


D = Decimal
ROWS: dict[Item, Row] = {
    Item.FAIR_BOOTH: Row("附件2 一（展位费）", "50/70", D(300_000)),
    Item.FAIR_FREIGHT: Row("附件2 一（大型展品回运费）", "50/70", D(100_000)),
    Item.MANAGEMENT_CERT: Row("附件2 二", "50", D(50_000)),
    Item.PRODUCT_CERT: Row("附件2 三", "70", D(1_000_000), project_cap=False),
    Item.PATENT_INVENTION: Row("附件2 四（发明专利）", "50/70", D(50_000)),
    Item.PATENT_UTILITY: Row("附件2 四（实用新型专利）", "50/70", D(50_000)),
    Item.PATENT_DESIGN: Row("附件2 四（外观设计专利）", "50/70", D(50_000)),
    Item.TRADEMARK: Row("附件2 五", "50/70", D(50_000)),
    Item.PROMO_MATERIAL: Row("附件2 六（宣传材料制作）", "50/70", D(15_000)),
    Item.PROMO_VIDEO: Row("附件2 六（宣传视频制作）", "50/70", D(20_000)),
    Item.WEBSITE: Row("附件2 七（创建中小企业网站）", "50", D(50_000), not_sme=True),
    Item.ONLINE_MARKETING: Row("附件2 七（企业网络营销活动）", "50", D(50_000), not_sme=True),
    Item.INFO_SYSTEM: Row("附件2 七（企业信息管理系统）", "50", D(50_000), not_sme=True),
    Item.ADVERTISING: Row("附件2 八", "50/70", D(50_000)),
    Item.SURVEY_TRANSPORT: Row("附件2 九（交通费）", "50/70", None, min_spend=False, not_sme=True),
    Item.SURVEY_ALLOWANCE: Row("附件2 九（生活补助）", "50/70", None, min_spend=False, not_sme=True),
    Item.BID_DOCUMENTS: Row("附件2 十（标书购置费）", "50/70", D(30_000), not_sme=True),
    Item.BID_DESIGN: Row("附件2 十（项目设计费）", "50/70", D(50_000), not_sme=True),
    Item.BID_TRANSPORT: Row("附件2 十（境外市场考察交通费）", "50/70", None, not_sme=True),
    Item.ERP_DOCKING: Row("附件2 十一", "50", None),
    Item.CREDIT_REPORTS: Row("附件2 十二", "70", None),
    Item.FINANCING: Row("附件2 十三", "50", None, min_spend=False, project_cap=False),
    Item.TRAINING: Row("附件2 十四", "50", None, group_only=True),
    Item.SANTONG: Row("附件2 十五", "70", D(500_000)),
    Item.ONLINE_BOOTH: Row("附件2 十六（线上国际展会展位费）", "70", None, min_spend=False),
    Item.ONLINE_OTHER: Row("附件2 十六（线上国际展会其他费用）", "50", D(50_000), min_spend=False),
}

CATEGORY_CAPS: dict[Item, dict[Category, Decimal]] = {
    Item.ERP_DOCKING: {
        Category.SERVICE: D(200_000),
        Category.DUAL_AUTONOMOUS: D(100_000),
        Category.SME: D(50_000),
    },
    Item.CREDIT_REPORTS: {
        Category.SERVICE: D(300_000),
        Category.DUAL_AUTONOMOUS: D(150_000),
        Category.SME: D(100_000),
    },
    Item.FINANCING: {
        Category.SERVICE: D(5_000_000),
        Category.DUAL_AUTONOMOUS: D(1_000_000),
        Category.SME: D(200_000),
    },
}
BOOTH_CAP = D(30_000)  # 一: per standard 9 m² booth
BOOTH_AREA = D(9)
ONLINE_BOOTH_CAP = D(20_000)  # 十六: per booth
ONLINE_BOOTH_PROJECTS, ONLINE_OTHER_PROJECTS = 10, 5  # 十六: a year
PATENT_COUNTRIES = 5  # 四: at most 5 countries per patent
SANTONG_YEARS = 3  # 十五: at most 3 consecutive years
TRAINING_MIN_FIRMS, TRAINING_LARGE = 50, 100  # 十四
TRAINING_CAPS = (D(22_000), D(50_000))
TRAINING_PER_HEAD = D(200)
TRAINING_MATERIALS_SHARE = D("0.10")
SURVEY_PERSONS, SURVEY_DAYS, SURVEY_COUNTRIES = 2, 6, 1  # 九
# What a claim's counts and measures can be at most: beyond them a figure is a slip, not a claim.
MAX_COUNT = 1_000_000  # copies, persons, firms, participants, booths, projects
MAX_MEASURE = D(1_000_000)  # m², m³, tonnes, minutes
MAX_COUNTRIES = 250  # there are fewer countries and regions in the world
MAX_CLAIMS = 200


class Claim(Record):
    """One claimed expense of a project; the fields after `market` are the facts the item's
    row asks about (only those of the claimed item are read)."""

    item: Item
    spend: Amount = Field(ge=0, description="yuan")
    incurred_on: FactDate
    market: Region = Region.OTHER
    # 一
    booth_area_m2: Decimal | None = Field(default=None, gt=0, le=MAX_MEASURE)
    exhibit_volume_m3: Decimal | None = Field(default=None, ge=0, le=MAX_MEASURE)
    exhibit_weight_t: Decimal | None = Field(default=None, ge=0, le=MAX_MEASURE)
    # 二, 三, 四, 五: certificates
    certificate_on: FactDate | None = None
    fee_kind: Identifier | None = Field(
        default=None,
        description=(
            "二: initial, recertification, annual-audit, consulting, training; "
            "三: certification, testing, other"
        ),
    )
    domestic: bool = False  # 三: a domestic certification
    countries: int | None = Field(default=None, ge=1, le=MAX_COUNTRIES)  # 四: countries a patent is filed in
    agent_fees: Amount = Field(default=D(0), ge=0)  # 四: fees of domestic agents, in `spend`
    earlier_supported: bool = False  # 五: product and country supported before; 十: project claimed before
    # 六
    copies: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    minutes: Decimal | None = Field(default=None, ge=0, le=MAX_MEASURE)
    foreign_language: bool = True
    packaging: bool = False
    # the rows' conditions on who provided the service, as the vouchers show
    qualified_provider: bool = Field(
        default=True,
        description=(
            "二 a certifier approved by CNCA; 三 a qualified product certifier; 七 a registered, qualified "
            "provider; 十二 an insurer the Ministry of Finance approved"
        ),
    )
    via_paris_or_pct: bool = Field(default=True, description="四: filed by the Paris Convention or PCT")
    qualified_financing: bool = Field(
        default=True,
        description=(
            "十三: financing under an export-credit-insurance pledge or the named guarantee platforms"
        ),
    )
    santong_authorised: bool = Field(default=True, description="十五: on the 三同 platform and authorised")
    # 七, 十二
    one_off_build: bool = True
    review_amount: Amount | None = Field(default=None, ge=0, description="七, 十二: the review's result")
    # 八
    medium: Identifier | None = Field(default=None, description="newspaper, magazine or other")
    # 九
    persons: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    days: int | None = Field(default=None, ge=1, le=366)
    economy_class: bool = True
    # 十
    bid_won: bool = False
    bidding_ended_on: FactDate | None = None
    # 十四
    firms: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    participants: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    materials_cost: Amount = Field(default=D(0), ge=0)
    free_in_beijing: bool = True
    # 十五, 十六
    years_supported_before: int = Field(default=0, ge=0, le=100)
    booths: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    projects_this_year: int = Field(
        default=0, ge=0, le=MAX_COUNT, description="十六: earlier such projects this year"
    )

    @model_validator(mode="after")
    def _facts_of_the_item(self) -> Claim:
        needs = {
            Item.FAIR_BOOTH: ("booth_area_m2",),
            Item.FAIR_FREIGHT: ("exhibit_volume_m3", "exhibit_weight_t"),
            Item.MANAGEMENT_CERT: ("certificate_on", "fee_kind"),
            Item.PRODUCT_CERT: ("certificate_on", "fee_kind"),
            Item.PATENT_INVENTION: ("certificate_on", "countries"),
            Item.PATENT_UTILITY: ("certificate_on", "countries"),
            Item.PATENT_DESIGN: ("certificate_on", "countries"),
            Item.TRADEMARK: ("certificate_on",),
            Item.PROMO_MATERIAL: ("copies",),
            Item.PROMO_VIDEO: ("minutes",),
            Item.ADVERTISING: ("medium",),
            Item.SURVEY_TRANSPORT: ("persons", "days", "countries"),
            Item.SURVEY_ALLOWANCE: ("persons", "days", "countries"),
            Item.BID_DOCUMENTS: ("bidding_ended_on",),
            Item.BID_DESIGN: ("bidding_ended_on",),
            Item.BID_TRANSPORT: ("bidding_ended_on",),
            Item.TRAINING: ("firms", "participants"),
            Item.ONLINE_BOOTH: ("booths",),
        }.get(self.item, ())
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.item.value} claim states {', '.join(missing)}")
        return self


class Cut(Record):
    rule: str
    reason: str
    before: Decimal
    after: Decimal


class Quote(Record):
    item: Item
    spend: Decimal
    ratio: int | None
    amount: Decimal
    refused: str | None = None  # the rule and reason that refuse the whole claim
    cuts: tuple[Cut, ...] = ()


class Refused(Exception):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(f"{rule}：{reason}")
        self.rule, self.reason = rule, reason


_T = TypeVar("_T")


def _stated(claim: Claim, field: str, value: _T | None) -> _T:
    """A fact the claim's item asks for, which `Claim._facts_of_the_item` makes sure is stated
    (`value` is `claim.<field>`); a claim built without that check is refused, naming the field."""
    if value is None:
        raise InvalidInputError(f"{field}: a {claim.item.value} claim states it")
    return value


def _fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_DOWN)


class _Work:
    """The running amount of one claim and the cuts made to it."""

    def __init__(self, amount: Decimal) -> None:
        self.amount = amount
        self.cuts: list[Cut] = []

    def cap(self, limit: Decimal, rule: str, reason: str) -> None:
        if self.amount > limit:
            self.cuts.append(Cut(rule=rule, reason=reason, before=self.amount, after=limit))
            self.amount = limit

    def exclude(self, part: Decimal, rule: str, reason: str) -> None:
        if part > 0:
            after = max(self.amount - part, D(0))
            self.cuts.append(Cut(rule=rule, reason=reason, before=self.amount, after=after))
            self.amount = after


def ratio_for(claim: Claim) -> int:
    row = ROWS[claim.item]
    if row.ratio == "70" or (row.ratio == "50/70" and claim.market.emerging):
        return 70
    return 50


def booths_in(area: Decimal) -> int:
    """一: the standard 9 m² booths a space holds, counted down; at least one."""
    return max(1, int(area // BOOTH_AREA))


def category_cap(item: Item, categories: Iterable[Category]) -> Decimal:
    caps = CATEGORY_CAPS[item]
    held = [caps[c] for c in categories if c in caps]
    return max(held) if held else caps[Category.SME]


def _refusals(
    enterprise: Enterprise, claim: Claim, categories: frozenset[Category], on: date, group: bool
) -> None:
    row = ROWS[claim.item]
    if not group and not categories:
        raise Refused(
            "一(一)3", "不属于中小外贸企业、“双自主”企业、外贸综合服务企业、自贸区或高新技术外贸企业"
        )
    if claim.incurred_on < CUT_OVER:
        raise Refused("六", "2020年12月31日之前发生的项目适用京商务财务字[2018]24号")
    if row.group_only != group:
        raise Refused(
            "二(二)" if row.group_only else "二(一)",
            "企业培训是项目组织单位的团体项目" if row.group_only else "团体项目只支持企业培训",
        )
    if row.not_sme and categories <= {Category.SME}:
        named = row.line.removeprefix("附件2 ")
        raise Refused("附件1", f"中小外贸企业不可申报{named}（附件1中小外贸企业栏未标注√）")
    if row.min_spend and claim.spend < MIN_SPEND:
        raise Refused("四(一)", f"支出金额{claim.spend}元低于1万元")
    item = claim.item
    if item is Item.FAIR_FREIGHT and (
        _stated(claim, "exhibit_volume_m3", claim.exhibit_volume_m3) < 1
        or _stated(claim, "exhibit_weight_t", claim.exhibit_weight_t) < 1
    ):
        raise Refused(row.line, "只支持单个展品体积1立方米且重量1吨以上的大型展品回运费")
    if item is Item.MANAGEMENT_CERT and claim.fee_kind not in ("initial", "recertification"):
        raise Refused(row.line, "只支持初次认证费及再认证费，不支持年度审核费、咨询费、培训费")
    if item is Item.PRODUCT_CERT and (claim.domestic or claim.fee_kind not in ("certification", "testing")):
        raise Refused(row.line, "国内认证不支持；只支持认证费、认证过程中的检测费")
    if (
        item
        in (
            Item.MANAGEMENT_CERT,
            Item.PRODUCT_CERT,
            Item.PATENT_INVENTION,
            Item.PATENT_UTILITY,
            Item.PATENT_DESIGN,
            Item.TRADEMARK,
        )
        and _stated(claim, "certificate_on", claim.certificate_on).year != on.year
    ):
        raise Refused(row.line, f"须在取得证书的当年申请（证书{claim.certificate_on}，申请{on}）")
    if item is Item.TRADEMARK and claim.earlier_supported:
        raise Refused(row.line, "每种产品在一个国别（地区）只支持一次商标注册费用")
    if item is Item.PROMO_MATERIAL and (
        _stated(claim, "copies", claim.copies) < 2000 or not claim.foreign_language
    ):
        raise Refused(row.line, "宣传材料不少于2000份且至少具有一种外国文字")
    if item is Item.PROMO_VIDEO and (
        _stated(claim, "minutes", claim.minutes) < 5 or not claim.foreign_language
    ):
        raise Refused(row.line, "宣传视频不少于5分钟且至少具有一种外国文字或语音")
    if item in (Item.PROMO_MATERIAL, Item.PROMO_VIDEO) and claim.packaging:
        raise Refused(row.line, "不支持产品外包装的制作费")
    if item in (Item.WEBSITE, Item.INFO_SYSTEM) and not claim.one_off_build:
        raise Refused(row.line, "只支持一次性的建设开发费用，不支持后期维护、改版、升级等费用")
    providers = {
        Item.MANAGEMENT_CERT: "认证机构应经中国认证认可监督管理委员会批准",
        Item.PRODUCT_CERT: "产品认证机构应具有产品认证资格",
        Item.WEBSITE: "服务商应是依法注册、具有相应资质的法人企业",
        Item.ONLINE_MARKETING: "服务商应是依法注册、具有相应资质的法人企业",
        Item.INFO_SYSTEM: "服务商应是依法注册、具有相应资质的法人企业",
        Item.CREDIT_REPORTS: "资信产品应购自获得财政部批准开展信用保险业务的保险公司",
    }
    if item in providers and not claim.qualified_provider:
        raise Refused(row.line, providers[item])
    patents = (Item.PATENT_INVENTION, Item.PATENT_UTILITY, Item.PATENT_DESIGN)
    if item in patents and not claim.via_paris_or_pct:
        raise Refused(row.line, "专利申请须通过巴黎公约或PCT专利合作条约成员国提出")
    if item is Item.FINANCING and not claim.qualified_financing:
        raise Refused(
            row.line, "只支持出口信用保险保单质押项下的贸易融资及外经贸担保服务平台、“政保贷”平台项下的融资"
        )
    if item is Item.SANTONG and not claim.santong_authorised:
        raise Refused(row.line, "须入驻“三同”公共信息服务平台并经授权使用“三同”产品标识")
    if item is Item.ADVERTISING and claim.medium not in ("newspaper", "magazine"):
        raise Refused(row.line, "只支持面向境外客户的报刊、杂志广告")
    if item in (Item.SURVEY_TRANSPORT, Item.BID_TRANSPORT) and not claim.economy_class:
        raise Refused(row.line, "交通费只支持国际航班往返经济舱费用")
    if (
        item in (Item.SURVEY_TRANSPORT, Item.SURVEY_ALLOWANCE)
        and _stated(claim, "countries", claim.countries) > SURVEY_COUNTRIES
    ):
        raise Refused(row.line, "支持出访国家（地区）为1个")
    if item in (Item.BID_DOCUMENTS, Item.BID_DESIGN, Item.BID_TRANSPORT):
        if claim.bid_won:
            raise Refused(row.line, "只支持未中标企业开展的境外投（议）标活动")
        if claim.earlier_supported:
            raise Refused(row.line, "同一个项目只能申请一次")
        if _stated(claim, "bidding_ended_on", claim.bidding_ended_on).year != on.year:
            raise Refused(row.line, "应在投（议）标工作结束的当年申请")
    if item is Item.TRAINING:
        if not claim.free_in_beijing:
            raise Refused(row.line, "只支持在本市组织的免费培训")
        if _stated(claim, "firms", claim.firms) < TRAINING_MIN_FIRMS:
            raise Refused(row.line, f"参加的中小企业不少于50家（{claim.firms}家）")
    if item is Item.SANTONG and claim.years_supported_before >= SANTONG_YEARS:
        raise Refused(row.line, "同一企业连续支持不超过3年")
    if item is Item.ONLINE_BOOTH and claim.projects_this_year >= ONLINE_BOOTH_PROJECTS:
        raise Refused(row.line, "每个企业当年最高支持不超过10个项目")
    if item is Item.ONLINE_OTHER and claim.projects_this_year >= ONLINE_OTHER_PROJECTS:
        raise Refused(row.line, "支持不超过5个项目")


def _refused(claim: Claim, refused: Refused) -> Quote:
    return Quote(
        item=claim.item,
        spend=claim.spend,
        ratio=None,
        amount=D(0),
        refused=f"{refused.rule}：{refused.reason}",
    )


def quote(
    enterprise: Enterprise, claim: Claim, on: date, *, group: bool = False, gazette: bool = True
) -> Quote:
    """The support for one claimed expense whose disbursement is applied for on `on`; `group`: a
    group project of an organising unit (二(二)). The ¥300,000 of 四(三) bounds the project, not
    the line: `quote_all` applies it. `gazette=False`: the rules as first built (the high-tech
    certificate judged on `on`, 四(三) on each line), kept for the cases begun under them."""
    categories = enterprise.categories(claim.incurred_on if gazette else on)
    try:
        _refusals(enterprise, claim, categories, on, group)
    except Refused as refused:
        return _refused(claim, refused)
    row, item = ROWS[claim.item], claim.item
    work = _Work(claim.spend)
    # What of the spend the row supports at all.
    if item in (Item.PATENT_INVENTION, Item.PATENT_UTILITY, Item.PATENT_DESIGN):
        work.exclude(claim.agent_fees, row.line, "不支持支付境内中介机构的代理费")
        countries = _stated(claim, "countries", claim.countries)
        if countries > PATENT_COUNTRIES:
            work.cap(
                _fen(work.amount * PATENT_COUNTRIES / countries),
                row.line,
                f"每个专利最多支持在5个国家的申请（申请{claim.countries}国，按比例计）",
            )
    if item in (Item.SURVEY_TRANSPORT, Item.SURVEY_ALLOWANCE):
        persons, days = claim.persons or 1, claim.days or 1  # the validator asked for both
        share = D(min(persons, SURVEY_PERSONS)) / D(persons)
        if item is Item.SURVEY_ALLOWANCE:
            share *= D(min(days, SURVEY_DAYS)) / D(days)
        if share < 1:
            work.cap(_fen(work.amount * share), row.line, "支持人数不超过2人，总天数不超过6天（按比例计）")
    if item is Item.TRAINING:
        work.cap(
            TRAINING_PER_HEAD * _stated(claim, "participants", claim.participants),
            row.line,
            f"人均标准不超过200元（{claim.participants}人）",
        )
        # Materials count up to 10 % of the meeting cost (the spend without them).
        allowed = _fen((claim.spend - claim.materials_cost) * TRAINING_MATERIALS_SHARE)
        work.exclude(max(claim.materials_cost - allowed, D(0)), row.line, "资料费不得超过会务费的10%")
    if (
        item in (Item.WEBSITE, Item.ONLINE_MARKETING, Item.INFO_SYSTEM, Item.CREDIT_REPORTS)
        and claim.review_amount is not None
    ):
        work.cap(claim.review_amount, row.line, "依据评审结果给予资金支持")
    # The ratio, then the caps on the support.
    ratio = ratio_for(claim)
    supported = _fen(work.amount * ratio / 100)
    work.cuts.append(Cut(rule="四(二)", reason=f"支持比例{ratio}%", before=work.amount, after=supported))
    work.amount = supported
    if item is Item.FAIR_BOOTH:
        booths = booths_in(_stated(claim, "booth_area_m2", claim.booth_area_m2))
        work.cap(
            BOOTH_CAP * booths,
            row.line,
            f"3万元/每个展位（9平米），{claim.booth_area_m2}平米计{booths}个展位",
        )
    if item is Item.ONLINE_BOOTH:
        online_booths = _stated(claim, "booths", claim.booths)
        work.cap(ONLINE_BOOTH_CAP * online_booths, row.line, f"2万元/个展位，{online_booths}个展位")
    if item is Item.TRAINING:
        cap = TRAINING_CAPS[1] if _stated(claim, "firms", claim.firms) >= TRAINING_LARGE else TRAINING_CAPS[0]
        work.cap(cap, row.line, f"{claim.firms}家企业参加，最高{cap}元")
    if item in CATEGORY_CAPS:
        work.cap(category_cap(item, categories), row.line, "按企业类别的最高支持限额")
    if row.cap is not None:
        work.cap(row.cap, row.line, "每个项目最高支持限额")
    if row.project_cap and not gazette:
        work.cap(PROJECT_CAP, "四(三)", "每个企业项目支持金额最高不超过30万元")
    return Quote(item=claim.item, spend=claim.spend, ratio=ratio, amount=work.amount, cuts=tuple(work.cuts))


class QuoteSet(Record):
    quotes: tuple[Quote, ...]
    annual_cap: Decimal | None
    received_this_year: Decimal
    total: Decimal
    annual_cut: Cut | None = None
    project_cut: Cut | None = None  # 四(三), on the project's lines the cap binds


def outside_plan(plan: Sequence[Claim], claims: Sequence[Claim]) -> list[bool]:
    """五(二), 五(三): which disbursement claims the approved plan did not list. A claim is in the
    plan when a plan line of the same item is left for it (each plan line answers one claim)."""
    left = [c.item for c in plan]
    outside = []
    for claim in claims:
        if claim.item in left:
            left.remove(claim.item)
            outside.append(False)
        else:
            outside.append(True)
    return outside


def project_cut(quotes: Sequence[Quote]) -> Cut | None:
    """四(三): at most ¥300,000 for an enterprise project, financing (十三) and product
    certification (三) excepted; the cut falls on the sum of the other lines."""
    capped = sum((q.amount for q in quotes if ROWS[q.item].project_cap), D(0))
    if capped <= PROJECT_CAP:
        return None
    return Cut(rule="四(三)", reason="每个企业项目支持金额最高不超过30万元", before=capped, after=PROJECT_CAP)


def annual_cap_for(categories: Iterable[Category]) -> Decimal | None:
    """四(四): none for dual-autonomous and comprehensive service enterprises."""
    exempt = {Category.DUAL_AUTONOMOUS, Category.SERVICE}
    return None if exempt & set(categories) else ANNUAL_CAP


def quote_all(
    enterprise: Enterprise,
    claims: Sequence[Claim],
    on: date,
    *,
    received_this_year: Decimal = Decimal(0),
    group: bool = False,
    plan: Sequence[Claim] | None = None,
    gazette: bool = True,
) -> QuoteSet:
    """Every claim of one project (a claim `plan` did not list is refused), then the project cap
    of an enterprise project (四(三)), then the annual cap on what the enterprise receives this
    year (四(四))."""
    outside = outside_plan(plan, claims) if plan is not None else [False] * len(claims)
    not_planned = Refused("五(二)、五(三)", "该项支出未列入年度项目计划，不予拨付")
    quotes = tuple(
        _refused(c, not_planned) if out else quote(enterprise, c, on, group=group, gazette=gazette)
        for c, out in zip(claims, outside, strict=True)
    )
    total = sum((q.amount for q in quotes), D(0))
    cut_project = project_cut(quotes) if gazette and not group else None
    if cut_project is not None:
        total -= cut_project.before - cut_project.after
    cap = None if group else annual_cap_for(enterprise.categories(on))
    cut = None
    if cap is not None and received_this_year + total > cap:
        allowed = max(cap - received_this_year, D(0))
        cut = Cut(
            rule="四(四)",
            reason=f"每个企业当年累计最多不超过100万元（已获{received_this_year}元）",
            before=total,
            after=allowed,
        )
        total = allowed
    return QuoteSet(
        quotes=quotes,
        annual_cap=cap,
        received_this_year=received_this_year,
        total=total,
        annual_cut=cut,
        project_cut=cut_project,
    )


class QuoteRequest(Record):
    """What `govflow subsidy quote` reads: an enterprise and its claimed expenses."""

    enterprise: Enterprise
    claims: tuple[Claim, ...] = Field(min_length=1, max_length=MAX_CLAIMS)
    on: PlannedDate = Field(description="the application date")
    received_this_year: Amount = Field(default=Decimal(0), ge=0)
    group: bool = False

    def quote(self) -> QuoteSet:
        return quote_all(
            self.enterprise,
            self.claims,
            self.on,
            received_this_year=self.received_this_year,
            group=self.group,
        )


# -- plan selection within the budget (五(二)2 by the priorities of 三) -------------------------------

PRIORITY_ITEMS = frozenset(
    {
        Item.FAIR_BOOTH,
        Item.FAIR_FREIGHT,
        Item.PRODUCT_CERT,
        Item.TRADEMARK,
        Item.PATENT_INVENTION,
        Item.PATENT_UTILITY,
        Item.PATENT_DESIGN,
    }
)
"""三(三): fairs, product certification, overseas trademarks and patents."""


class Priority(StrEnum):
    """三: the four priorities of plan selection, the first weighing most."""

    DUAL_AUTONOMOUS = "三(一)"
    FTZ_OR_HIGH_TECH = "三(二)"
    PRIORITY_ITEMS = "三(三)"
    EMERGING_MARKETS = "三(四)"


class PlanCandidate(Record):
    case_no: str
    enterprise: Enterprise
    claims: tuple[Claim, ...] = Field(min_length=1)
    support: Decimal = Field(ge=0, description="the plan's quoted support")


class PlanChoice(Record):
    case_no: str
    selected: bool
    budget_before: Decimal
    priorities: tuple[str, ...]
    reason: str


def priorities(enterprise: Enterprise, claims: Sequence[Claim], on: date) -> tuple[Priority, ...]:
    """Which of 三(一)–(四) a project meets, in their order. 三(二)'s high-tech enterprise is
    judged on the days the claimed activities took place (一(一)3(5)); `on` is kept for callers."""
    categories = enterprise.categories(on)
    met = []
    if Category.DUAL_AUTONOMOUS in categories:
        met.append(Priority.DUAL_AUTONOMOUS)
    if enterprise.ftz or any(enterprise.high_tech_on(c.incurred_on) for c in claims):
        met.append(Priority.FTZ_OR_HIGH_TECH)
    if any(c.item in PRIORITY_ITEMS for c in claims):
        met.append(Priority.PRIORITY_ITEMS)
    if any(c.market.emerging for c in claims):
        met.append(Priority.EMERGING_MARKETS)
    return tuple(met)


def plan_within_budget(candidates: Sequence[PlanCandidate], budget: Decimal, on: date) -> list[PlanChoice]:
    """五(二)2: the projects the budget can carry, in the order of 三's priorities (the first
    priority weighs most; among equals, the case filed first); a project the rest of the
    budget cannot carry is left out and the next one tried."""
    order = list(Priority)

    def key(candidate: PlanCandidate) -> tuple[tuple[bool, ...], str]:
        met = priorities(candidate.enterprise, candidate.claims, on)
        return tuple(p not in met for p in order), candidate.case_no

    left, choices = budget, []
    for candidate in sorted(candidates, key=key):
        met = priorities(candidate.enterprise, candidate.claims, on)
        before = left
        if candidate.support <= left:
            left -= candidate.support
            choices.append(
                PlanChoice(
                    case_no=candidate.case_no,
                    selected=True,
                    budget_before=before,
                    priorities=met,
                    reason=f"列入年度项目计划，预算余额{left}元",
                )
            )
        else:
            reason = f"预算余额{left}元不足以支持{candidate.support}元"
            choices.append(
                PlanChoice(
                    case_no=candidate.case_no,
                    selected=False,
                    budget_before=before,
                    priorities=met,
                    reason=reason,
                )
            )
    return choices
