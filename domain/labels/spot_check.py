"""The words of `spot-check`: the 双随机 spot check of commitment decisions, 京商流通字〔2021〕9号 三."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="告知承诺事项抽查",
    basis="京商流通字〔2021〕9号",
    stages={"checking": "抽查检查", "publishing": "结果公示"},
    decisions={"record-finding": "记录核查情况", "record-rectification": "记录整改情况"},
    outcomes={"published": "结果已公示"},
    clocks={
        "check": "抽查期限",  # 三(一): 作出决定后3个月内
        "rectify": "整改期限",  # 三(二): 责令限期整改
    },
    events={
        "DrawMade": "随机抽取",
        "FindingRecorded": "核查情况",
        "CertificateRevoked": "撤销批准证书",
        "CheckConcluded": "抽查结论",
    },
)
