"""The words of `hr-park`: the municipal HR service industrial park, 申报设立 and 评估考核
(京人社市场发〔2021〕35号 第五条、第七至十二条)."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="人力资源服务产业园",
    basis="京人社市场发〔2021〕35号",
    stages={
        "completeness": "材料审核",
        "assessment": "审核评估",
        "publicity": "公示",
        "designated": "已授牌",
        "evaluation": "评估考核",
        "rectification": "限期整改",
    },
    decisions={
        "check-materials": "材料审核",
        "assess": "审核评估",
        "object": "公示异议",
        "rule-objection": "异议核查",
        "evaluate": "评估考核",
        "recheck": "整改复核",
        "revoke": "取消授牌",
        "order-rectification": "责令整改",
        "file-district-measures": "区级办法备案",
    },
    outcomes={
        "returned": "退回",
        "returned: materials incomplete": "退回（申报材料不全）",
        "not designated": "不予授牌",
        "not designated: objection upheld": "不予授牌（公示异议成立）",
        "revoked": "取消授牌",
    },
    clocks={"publicity": "公示期", "rectification": "整改期限", "evaluation": "评估考核期"},
    events={
        "ReceivedAfterTheMeasuresTerm": "办法有效期满后申请",
        "ParkMaterialsChecked": "材料审核",
        "ParkAssessed": "审核评估",
        "ParkPublicityStarted": "公示",
        "ParkObjectionLodged": "公示异议",
        "ParkObjectionRuled": "异议核查",
        "ParkDesignated": "授牌",
        "ParkEvaluationOpened": "启动评估考核",
        "ParkEvaluated": "评估考核结果",
        "ParkRectificationOrdered": "责令整改",
        "ParkRectificationChecked": "整改复核",
        "ParkTitleRevoked": "取消授牌",
        "DistrictMeasuresFiled": "区级办法备案",
        "ParkRecordContinued": "园区记录续接",
    },
)
