"""The words of `ecommerce-subsidy`: programme II of the foreign-trade development fund,
cross-border e-commerce, the district's 初审 and the municipal bureau's 项目评审、资金拨付 of 六
(京商财务字〔2021〕34号)."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="跨境电子商务",
    basis="京商财务字〔2021〕34号",
    stages={"district-review": "初审", "municipal-review": "项目评审"},
    decisions={"initial-review": "初审", "municipal-review": "项目评审"},
    outcomes={
        "not passed by the district": "初审未通过",
        "not approved": "评审未通过",
        "approved": "评审通过",
        "paid": "已拨付",
        "not under 34号": "不适用本实施方案",
    },
    events={
        "EcommerceSupportDecided": "支持资金核定",
        "EcommerceSupportPaid": "资金拨付",
        "EcommerceNotUnder34": "不适用本实施方案",
    },
)
