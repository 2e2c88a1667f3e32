"""The words of `title-review`: the review route to a senior or full senior IP title, 五(二)
评审程序 (京人社事业发〔2021〕32号)."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="知识产权专业职称评审",
    basis="京人社事业发〔2021〕32号",
    stages={
        "recommendation": "单位推荐",
        "agency-check": "评审机构审核",
        "panel": "抽取评议组",
        "evaluation": "评议组评议",
        "committee": "组建评审委员会",
        "voting": "评委会表决",
        "acceptance": "验收",
        "publicity": "公示",
    },
    decisions={
        "recommend": "单位推荐",
        "agency-check": "评审机构审核",
        "draw-panel": "抽取评议组成员",
        "evaluate": "评议组评议",
        "convene-committee": "抽取评审委员会委员",
        "close-ballot": "表决计票",
        "accept": "验收",
        "object": "公示异议",
        "rule-objection": "异议核查",
        "report-fraud": "取消申报资格",
    },
    outcomes={
        "not recommended": "单位不予推荐",
        "did not pass the agency check": "评审机构审核未通过",
        "not passed by the committee": "评委会表决未通过",
        "not accepted by the HR bureau": "验收未通过",
        "objection upheld": "公示异议成立",
        "certified": "已颁发电子职称证书",
        "refused": "不予受理",
        "refused: blacklisted": "不予受理（已纳入失信黑名单）",
        "cancelled: fraud": "取消申报资格（弄虚作假）",
    },
    clocks={"publicity": "公示期"},
    events={
        "ApplicationRefused": "不予受理",
        "EligibilityAssessed": "申报条件审核",
        "ExpertsDrawn": "随机抽取专家",
        "BallotOpened": "无记名投票",
        "BallotClosed": "表决计票",
        "PublicityStarted": "公示",
        "TitleObjectionLodged": "公示异议",
        "TitleObjectionRuled": "异议核查",
        "PersonBlacklisted": "纳入失信黑名单",
        "EmployerHeldResponsible": "追究单位责任",
        "TitleCertified": "颁发电子职称证书",
    },
)
