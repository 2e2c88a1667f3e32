"""The words of `subsidy`: programme I of the foreign-trade development fund, the enterprise's
project through the 8 个环节 of 五 (京商财务字〔2021〕33号)."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="外经贸发展资金",
    basis="京商财务字〔2021〕33号",
    stages={
        "registration": "企业注册确认",
        "dual-confirmation": "“双自主”企业确认",
        "plan-application": "项目计划申请",
        "plan-selection": "项目计划审核",
        "plan-publicity": "项目计划审核结果公示",
        "implementation": "项目实施",
        "completeness-review": "完整性审核",
        "compliance-review": "合规性和真实性审核",
        "audit": "原始票据与记账凭证审核",
        "decision": "最终审定",
        "disbursement-publicity": "资金拨付审核结果公示",
    },
    decisions={
        "confirm-registration": "企业注册确认",
        "confirm-dual-autonomous": "“双自主”企业确认",
        "apply-plan": "项目计划申请",
        "select-plan": "项目计划审核",
        "apply-disbursement": "资金拨付申请",
        "check-completeness": "完整性审核",
        "review-compliance": "合规性和真实性审核",
        "audit": "原始票据与记账凭证审核",
        "decide": "最终审定",
        "object": "公示异议",
        "rule-objection": "异议核查",
    },
    outcomes={
        "disbursed": "已拨付",
        "registration not confirmed": "企业注册未予确认",
        "not selected": "未列入年度项目计划",
        "completeness review not passed": "完整性审核未通过",
        "compliance review not passed": "合规性和真实性审核未通过",
        "not approved": "资金拨付审核未通过",
        "objection upheld": "公示异议成立",
        "objection upheld (plan publicity)": "项目计划公示异议成立",
        "objection upheld (disbursement publicity)": "资金拨付公示异议成立",
    },
    clocks={"publicity": "公示期"},
    events={
        "RegistrationConfirmed": "企业注册确认",
        "DualAutonomousConfirmed": "“双自主”企业确认",
        "SupportQuoted": "支持金额核算",
        "SubsidyPublished": "公示",
        "SubsidyObjectionLodged": "公示异议",
        "SubsidyObjectionRuled": "异议核查",
        "DisbursementApproved": "资金拨付审定",
        "Disbursed": "资金拨付",
    },
)
