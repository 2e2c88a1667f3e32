"""The words of `demo`, the platform's own small procedure (受理 → 审查 → 决定)."""

from domain.labels import Vocabulary

VOCABULARY = Vocabulary(
    name="平台演示事项",
    basis="平台自测程序",
    stages={"intake": "受理", "review": "审查"},
    decisions={
        "accept": "受理",
        "reject": "不予受理",
        "verify": "核验",
        "approve": "准予",
        "refuse": "不予准予",
    },
    outcomes={"not-accepted": "不予受理", "approved": "准予", "refused": "不予准予"},
    clocks={"review": "审查期限"},
)
