"""The words of `credit-record`: an auction firm's commitment credit record, 京商流通字〔2021〕9号 四、五."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="拍卖企业信用记录",
    basis="京商流通字〔2021〕9号",
    stages={"open": "信用监管"},
    clocks={
        "publicity": "信用信息公示期"
    },  # publicity:<breach id>, 四(二)  # 四: 信用监管及惩戒措施; a record never closes
    decisions={
        "record-breach": "记录违诺失信",
        "repair": "信用修复",
        "object": "异议申请",
        "decide-objection": "异议处理",
    },
    events={
        "BreachRecorded": "纳入违诺失信信息",
        "CreditRepaired": "信用修复",
        "ObjectionLodged": "提出异议",
        "ObjectionDecided": "异议处理",
        "PublicityEnded": "停止公示",
        "RecordContinued": "信用记录接续",
    },
)
