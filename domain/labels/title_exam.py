"""The words of `title-exam`: the exam route to an assistant or intermediate IP title, 五(一)
考试程序 (京人社事业发〔2021〕32号)."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="知识产权专业职称考试",
    basis="京人社事业发〔2021〕32号",
    stages={
        "eligibility-check": "网上审核",
        "payment": "缴费",
        "registered": "参加考试",
        "certificate": "发放证书",
    },
    decisions={
        "check": "网上审核",
        "pay": "缴费",
        "record-score": "考试成绩",
        "issue-certificate": "发放证书",
        "report-fraud": "取消申报资格",
    },
    outcomes={
        "registration not approved": "网上审核未通过",
        "failed": "考试未通过",
        "certified": "已发放证书",
        "refused": "不予受理",
        "refused: blacklisted": "不予受理（已纳入失信黑名单）",
        "cancelled: fraud": "取消申报资格（弄虚作假）",
    },
    events={
        "ApplicationRefused": "不予受理",
        "EligibilityAssessed": "申报条件审核",
        "PersonBlacklisted": "纳入失信黑名单",
        "EmployerHeldResponsible": "追究单位责任",
        "ExamScored": "考试成绩",
        "CertificateNumberTaken": "证书编号已被占用",
        "ExamCertified": "发放证书",
        "TitleCertified": "职称证书登记",
    },
)
