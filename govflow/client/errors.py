"""What the SDK raises. Every error is one clear sentence, fit for a command line.

GovflowError
├── CaseNotFoundError        no case with that number
├── CaseExistsError          a case with that number was already started
├── CaseStuckError           the case's workflow task keeps failing (a bug): an operator's matter
├── DecisionRejectedError    the case refused a decision (carries the domain error)
├── DecisionPendingError     the decision was accepted but not carried out within the wait
├── NoAnswerError            the case did not answer within the wait (is a worker running?)
├── InputError               a file or model that does not validate (names the field)
├── ServerUnreachableError   Temporal does not answer
└── DatabaseUnreachableError PostgreSQL does not answer

The messages are English, as a program matches them; `for_people` gives the line a person
reads on the command line: Chinese first, the English after it unchanged.
"""

from __future__ import annotations

import re

from domain.errors import DomainError


class GovflowError(Exception):
    pass


class CaseNotFoundError(GovflowError):
    pass


class CaseExistsError(GovflowError):
    pass


class CaseStuckError(GovflowError):
    pass


class DecisionPendingError(GovflowError):
    """Accepted and recorded, still being carried out (e.g. the case waits for an operator)."""

    def __init__(
        self, case_no: str, decision: str, request_id: str, waited: float, held: str | None = None
    ) -> None:
        why = (
            f"the case now waits for an operator: {held}"
            if held
            else f"still being carried out after {waited:g} s"
        )
        super().__init__(
            f"{case_no}: {decision} was accepted and recorded; {why} (request {request_id}); "
            f"see `govflow status {case_no}`"
        )
        self.case_no, self.decision, self.request_id = case_no, decision, request_id


class NoAnswerError(GovflowError):
    pass


class DecisionRejectedError(GovflowError):
    def __init__(self, case_no: str, reason: DomainError) -> None:
        super().__init__(f"{case_no}: decision refused: {reason.message}")
        self.case_no, self.reason = case_no, reason


class InputError(GovflowError):
    pass


class ServerUnreachableError(GovflowError):
    pass


class DatabaseUnreachableError(GovflowError):
    pass


_CHINESE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"no case (?P<case>\S+)$", "没有案件 {case}"),
        (r"case (?P<case>\S+) already exists; not started again", "案件 {case} 已存在，未再次启动"),
        (r"Temporal server unreachable", "无法连接 Temporal 服务器"),
        (r"Temporal refused the request", "Temporal 服务器拒绝了请求"),
        (r"database unreachable", "无法连接数据库"),
        (r"no data key ring", "没有数据加密密钥"),
        (r"not logged in", "未登录"),
        (r"no identity token came with the request", "请求未附身份令牌，请先登录"),
        (r"the identity token expired", "身份令牌已过期，请重新登录"),
        (r"the saved identity token is not a token", "保存的身份令牌无效，请重新登录"),
        (r"unknown procedure (?P<name>'[^']*')", "没有办理事项 {name}"),
        (r"no answer within", "在等待时限内未获答复，请确认工作进程在运行"),
        (
            r"(?P<case>\S+): no answer to ",
            "案件 {case} 在等待时限内未获答复，请确认工作进程在运行；再次发送同一请求是安全的",
        ),
        (r"(?P<case>\S+): no worker answered", "案件 {case} 没有工作进程答复"),
        (
            r"(?P<case>\S+): the case is stuck",
            "案件 {case} 办理受阻：其工作流任务反复失败，须运维处置，案件数据不会丢失",
        ),
        (
            r"(?P<case>\S+): (?P<decision>\S+) was accepted and recorded",
            "案件 {case} 的决定 {decision} 已受理并记录，仍在办理中",
        ),
        (r"the case has ended", "案件已办结，不再作出决定"),
        (r"the case is being cancelled", "案件正在撤销，不再作出决定"),
        (r"the case is still opening", "案件尚在立案中，请稍后再次提交"),
        (r"the case waits for an operator", "案件等待运维处置，恢复办理前不作任何决定"),
        (r"request (?P<request>'[^']*') was already taken on this case", "请求 {request} 已在本案办理"),
    )
)
"""The common refusals' English (at the start of a message) and what a person reads first."""


def chinese_first(message: str) -> str:
    """`没有案件 X（no case X）`: the Chinese for a common message with the English after it, or
    the message as it is (a refusal of the domain reads Chinese first already)."""
    for pattern, chinese in _CHINESE:
        found = pattern.match(message)
        if found:
            return f"{chinese.format(**found.groupdict())}（{message}）"
    return message


def for_people(error: BaseException) -> str:
    """The one line the command line prints for `error`: Chinese first, the English after."""
    if isinstance(error, DecisionRejectedError):
        return f"{error.case_no}: 决定未获接受（decision refused）: {chinese_first(error.reason.message)}"
    return chinese_first(str(error))
