"""The words of `auction-permit`: 《从事拍卖业务许可事项告知承诺实施意见(试行)》, 京商流通字〔2021〕9号."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="从事拍卖业务许可",
    basis="京商流通字〔2021〕9号",
    stages={
        "district-review": "区初审",  # 二(一)1 / 二(二)1: 所在区商务主管部门初审
        "acceptance": "受理",  # 二(一)1: 材料齐全的予以受理
        "review": "审查与决定",  # 二(一)2
        "formal-review": "形式审查",  # 二(二)2
        "awaiting-spot-check": "待抽查",  # 三(一)
    },
    decisions={
        "district-consent": "区初审",
        "receive": "收件受理",
        "grant": "予以许可",
        "refuse": "不予许可",
        "formal-review": "形式审查",
        "report-spot-check": "报送抽查结果",
        "close-unchecked": "未抽查办结",
    },
    # `cancelled` (a 注销 granted) is left to the core's word (已撤销, an operator's cancel):
    # the two share the code.
    outcomes={
        "granted": "予以许可",
        "not granted": "不予许可",
        "returned": "退回",
        "returned: materials incomplete": "材料不齐全退回",
        "not consented by the district": "区初审未同意",
    },
    clocks={
        "review": "审定期限",  # 二(一): 审定时限为9个工作日
        "spot-check": "抽查期限",  # 三(一): 作出决定后3个月内
    },
    events={
        "RouteChanged": "变更办理方式",
        "DistrictNotConsented": "区初审未同意",
        "PermitDecided": "作出许可决定",
        "SpotCheckReported": "报送抽查结果",
        "SpotCheckWindowClosed": "未抽查办结",
    },
)
