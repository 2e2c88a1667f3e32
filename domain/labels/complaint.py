"""The words of `complaint`: 《北京市外商投资企业投诉工作管理办法(修订)》, 京商函字〔2021〕1056号."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="外商投资企业投诉",
    basis="京商函字〔2021〕1056号",
    stages={
        "incomplete": "补正通知",  # 第十条: materials incomplete, the notice to send
        "supplementing": "补正",  # 第十条: the complainant's 15 working days
        "reviewing": "受理审查",  # 第十二条(一)
        "handling": "投诉处理",  # 第十二条(二)
        "terminated": "处理终结",  # 第十五条: the result notice due
    },
    decisions={
        "request-supplement": "通知补正",
        "supplement": "补正材料",
        "accept": "受理",
        "not-accept": "不予受理",
        "send-letter": "发函",
        "department-reply": "反馈处理意见",
        "department-progress": "反馈工作措施",
        "record-step": "记录处理情况",
        "contact": "联系投诉人",
        "participation": "参加处理",
        "extend": "延长处理期限",
        "resolve": "协调处理",
        "terminate": "处理终结",
        "deemed-withdrawn": "视同撤回投诉",
        "notify-result": "通知处理结果",
        "add-department": "追加涉及部门",
        "excuse-absence": "正当理由未参加",
        "report-non-performance": "不履行和解协议",
        "report-unfinished": "一年未结报告",
    },
    # `terminated (第十五条第（N）项)` reads by the core's `terminated` (已终止): the same code
    # is the outcome of a workflow terminated by Temporal, which 处理终结 would misstate.
    outcomes={"not accepted": "不予受理"},
    clocks={
        "supplement-notice": "补正通知期限",
        "supplement": "补正期限",
        "acceptance": "受理决定期限",
        "handling": "处理期限",
        "letters": "发函期限",
        "reply": "反馈处理意见期限",
        "planned": "拟办结时间",
        "participation": "参加处理期限",
        "one-year": "一年处理终结期限",
        "result-notice": "结果告知期限",
    },
    events={
        "MaterialsChecked": "审查投诉材料",
        "SupplementReceived": "收到补正材料",
        "ComplaintAccepted": "受理投诉",
        "NonAcceptanceDecided": "不予受理",
        "HandlingStepRecorded": "记录处理情况",
        "ComplaintResolved": "协调处理",
        "ComplaintTerminated": "投诉处理终结",
        "AppealLodged": "逐级投诉",
        "AppealChecked": "核查原投诉事项",
        "DepartmentAdded": "追加涉及部门",
        "AbsenceExcused": "正当理由未参加",
        "NonPerformanceReported": "不履行和解协议",
        "UnfinishedReported": "报告本级人民政府",
    },
)
