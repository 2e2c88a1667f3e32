"""The words of `qualification-verification`: 境外职业资格证书查询验证流程 (京人社事业发〔2021〕33号
附件2): 申请查验, 在线受理, 核验结果, 责任确认."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="境外职业资格核验",
    basis="京人社事业发〔2021〕33号",
    stages={"acceptance": "在线受理", "awaiting-issuer": "待境外发证机构答复"},
    decisions={
        "accept": "受理",
        "refuse": "拒绝受理",
        "record-answer": "核验结果",
        "close-unverified": "未能核验办结",
    },
    outcomes={
        "authentic": "验证为真实",
        "not authentic": "验证为不真实",
        "refused": "拒绝受理",
        "refused: not in the catalog": "不予受理（不在《目录》内）",
        "not verified": "未能核验",
        "not verified: no answer from the issuer": "未能核验（境外发证机构未答复）",
    },
    clocks={"verification": "核验答复期限"},
    events={
        "CatalogChecked": "《目录》核对",
        "VerificationAccepted": "在线受理",
        "VerificationRefused": "拒绝受理",
        "IssuerAnswered": "境外发证机构答复",
        "ClosedUnverified": "未能核验",
        "CodeIssued": "告知验证码",
    },
)
