"""Issue 16, Chinese for people, codes for machines: `govflow subsidy quote` and `govflow title
assess` read Chinese by default (`--lang en` as before), and a refusal reads Chinese first with
its English, unchanged, after it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from domain import demo
from domain.case import (
    Actor,
    DecisionRequest,
    check_case_open,
    check_decision,
    check_known_decision,
    check_new_request,
    check_role,
    check_stage,
)
from domain.errors import (
    CaseClosedError,
    DuplicateRequestError,
    UnknownDecisionError,
    WrongRoleError,
    WrongStageError,
)
from domain.subsidy import Category, Item
from govflow import cli
from govflow.cli import subsidies
from govflow.cli.subsidies import CATEGORY_NAMES, ITEM_NAMES, cmd_subsidy_quote
from govflow.cli.titles import cmd_title_assess
from govflow.client import errors
from workers.registry import REGISTRY
from workers.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
QUOTE = str(EXAMPLES / "subsidy" / "quote.json")
PERSON = str(EXAMPLES / "title-review" / "person.json")
COMPLAINT = REGISTRY["complaint"].decisions


async def quote(lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    args = argparse.Namespace(file=QUOTE, json=False, lang=lang)
    assert await cmd_subsidy_quote(args, Settings()) == 0
    return capsys.readouterr().out


async def test_a_quote_reads_chinese_with_the_codes_beside(capsys: pytest.CaptureFixture[str]) -> None:
    assert await quote("zh", capsys) == (
        "企业 北京示例进出口有限公司  类别 中小外贸企业 sme  核算日期 2026年11月2日\n"
        "1. 展位费 fair-booth  申报金额 800,000.00 元  支持比例 50%  支持金额 300,000.00 元\n"
        "     四(二): 支持比例50%  800,000.00 元 → 400,000.00 元\n"
        "     附件2 一（展位费）: 3万元/每个展位（9平米），108平米计12个展位  400,000.00 元 → 360,000.00 元\n"
        "     附件2 一（展位费）: 每个项目最高支持限额  360,000.00 元 → 300,000.00 元\n"
        "2. 境外商标注册 trademark  申报金额 30,000.00 元  支持比例 50%  支持金额 15,000.00 元\n"
        "     四(二): 支持比例50%  30,000.00 元 → 15,000.00 元\n"
        "项目支持上限 四(三): 每个企业项目支持金额最高不超过30万元  315,000.00 元 → 300,000.00 元\n"
        "支持金额合计 300,000.00 元\n"
    )


async def test_a_quote_in_english_is_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    assert await quote("en", capsys) == (
        "北京示例进出口有限公司  categories: sme  as of 2026-11-02\n"
        "1. fair-booth  spend 800000  ratio 50%  support 300000\n"
        "     四(二): 支持比例50%  800000 → 400000.00\n"
        "     附件2 一（展位费）: 3万元/每个展位（9平米），108平米计12个展位  400000.00 → 360000\n"
        "     附件2 一（展位费）: 每个项目最高支持限额  360000 → 300000\n"
        "2. trademark  spend 30000  ratio 50%  support 15000.00\n"
        "     四(二): 支持比例50%  30000 → 15000.00\n"
        "project cap 四(三): 每个企业项目支持金额最高不超过30万元  315000.00 → 300000\n"
        "total support 300000.00\n"
    )


async def test_a_refused_claim_and_the_annual_cap_read_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "enterprise": {
            "uscc": "91110108MA01ABCD1E",
            "name": "北京示例进出口有限公司",
            "district": "haidian",
            "trade_usd_last_year": 12000000,
        },
        "claims": [
            {"item": "fair-booth", "spend": "100000", "incurred_on": "2026-04-20", "booth_area_m2": "18"},
            {"item": "website", "spend": "30000", "incurred_on": "2026-03-02"},
        ],
        "on": "2026-11-02",
        "received_this_year": "990000",
    }
    path = tmp_path / "quote.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    args = argparse.Namespace(file=str(path), json=False, lang="zh")
    assert await cmd_subsidy_quote(args, Settings()) == 0
    out = capsys.readouterr().out
    assert "2. 创建中小企业网站 website  申报金额 30,000.00 元  支持比例 -  支持金额 0.00 元\n" in out
    assert "     不予支持: 附件1：中小外贸企业不可申报" in out
    assert (
        "年度累计上限 四(四): 每个企业当年累计最多不超过100万元（已获990000元）  50,000.00 元 → 10,000.00 元"
        in out
    )
    assert out.endswith("支持金额合计 10,000.00 元\n")


def test_every_item_and_category_has_its_gazette_name() -> None:
    assert set(ITEM_NAMES) == set(Item) and set(CATEGORY_NAMES) == set(Category)
    assert len(set(ITEM_NAMES.values())) == len(Item)  # no two claims read alike


async def assess(lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    args = argparse.Namespace(file=PERSON, on="2026-09-01", direction="services", json=False, lang=lang)
    assert await cmd_title_assess(args, Settings()) == 0
    return capsys.readouterr().out


REFUSALS = (
    "      附件四(一)2(1): 大学本科及以上学历毕业、取得副高级职称后从事知识产权工作满5年：未取得所需职称\n"
    "      附件四(一)2(2): 取得非本专业正高级职称后从事知识产权工作满3年：未取得所需职称\n"
)


async def test_an_assessment_reads_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert await assess("zh", capsys) == (
        "李知远  申报方向 知识产权服务 services  核定日期 2026年9月1日\n"
        "  助理知识产权师 assistant: 符合申报条件（附件一(二)）\n"
        "  知识产权师 intermediate: 符合申报条件（附件二(二)4）\n"
        "  高级知识产权师 senior: 符合申报条件（附件三(一)2(3)）\n"
        "  正高级知识产权师 full-senior: 不符合申报条件\n" + REFUSALS
    )


async def test_an_assessment_in_english_is_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    assert await assess("en", capsys) == (
        "李知远  知识产权服务  as of 2026-09-01\n"
        "  助理知识产权师: eligible (附件一(二))\n"
        "  知识产权师: eligible (附件二(二)4)\n"
        "  高级知识产权师: eligible (附件三(一)2(3))\n"
        "  正高级知识产权师: not eligible\n" + REFUSALS
    )


def test_the_lang_flag_defaults_to_chinese_and_follows_govflow_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVFLOW_LANG", raising=False)
    assert cli.build_parser().parse_args(["subsidy", "quote", "f"]).lang == "zh"
    assert cli.build_parser().parse_args(["title", "assess", "f", "--lang", "en"]).lang == "en"
    monkeypatch.setenv("GOVFLOW_LANG", "en")
    assert cli.build_parser().parse_args(["title", "assess", "f"]).lang == "en"


# -- the guards' refusals ------------------------------------------------------------------


def test_a_decision_in_the_wrong_stage_reads_chinese_then_english() -> None:
    with pytest.raises(WrongStageError) as refused:
        check_stage(COMPLAINT["accept"], "accept", "handling", "complaint")
    assert refused.value.message == (
        "决定 受理 accept 不能在当前环节 投诉处理 handling 作出（可作出的环节：受理审查 reviewing）; "
        "decision 'accept' is not allowed in stage 'handling' (allowed in: reviewing)"
    )


def test_a_role_that_may_not_decide_reads_chinese_then_english() -> None:
    with pytest.raises(WrongRoleError) as refused:
        check_role(COMPLAINT["accept"], "accept", "handling-officer", "complaint")
    assert refused.value.message == (
        "角色 投诉处理人员 handling-officer 不能作出决定 受理 accept（仅限：投诉受理人员 receiving-officer）; "
        "role 'handling-officer' may not take decision 'accept' (only: receiving-officer)"
    )


def test_an_unknown_decision_ended_case_and_repeated_request_read_chinese_then_english() -> None:
    with pytest.raises(UnknownDecisionError) as unknown:
        check_known_decision(demo.DECISIONS, "grant", "demo")
    assert unknown.value.message.startswith("本事项没有决定 'grant'（可作出的决定：受理 accept、")
    assert unknown.value.message.endswith(
        "; unknown decision 'grant'; this procedure knows: accept, approve, refuse, reject, verify"
    )
    with pytest.raises(CaseClosedError) as ended:
        check_case_open("approved", "demo")
    assert ended.value.message == (
        "案件已办结（准予），不再作出决定; the case has ended (approved); it takes no further decision"
    )
    with pytest.raises(DuplicateRequestError) as again:
        check_new_request({"r1"}, "r1")
    assert again.value.message == (
        "请求 'r1' 已在本案办理，未作任何变更; request 'r1' was already taken on this case; nothing was changed"
    )


def test_without_the_procedure_the_codes_stand_for_its_words() -> None:
    with pytest.raises(WrongStageError) as refused:
        check_stage(demo.DECISIONS["approve"], "approve", "intake")
    assert refused.value.message == (
        "决定 approve 不能在当前环节 intake 作出（可作出的环节：review）; "
        "decision 'approve' is not allowed in stage 'intake' (allowed in: review)"
    )


def test_check_decision_uses_the_procedures_words() -> None:
    request = DecisionRequest(
        request_id="r1", decision="approve", actor=Actor(role="clerk", id="c"), payload={}
    )
    with pytest.raises(WrongStageError, match=r"^决定 准予 approve 不能在当前环节 受理 intake"):
        check_decision(
            demo.DECISIONS,
            stage=demo.INTAKE,
            outcome=None,
            seen_request_ids=frozenset(),
            request=request,
            procedure="demo",
        )


# -- the command line's own refusals -------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            errors.CaseNotFoundError("no case DEMO-1999-000001"),
            "没有案件 DEMO-1999-000001（no case DEMO-1999-000001）",
        ),
        (
            errors.ServerUnreachableError("Temporal server unreachable at 127.0.0.1:1 (Connection refused)"),
            "无法连接 Temporal 服务器（Temporal server unreachable at 127.0.0.1:1 (Connection refused)）",
        ),
        (
            errors.InputError("not logged in: `govflow login --as ROLE:ID` first (or set GOVFLOW_TOKEN)"),
            "未登录（not logged in: `govflow login --as ROLE:ID` first (or set GOVFLOW_TOKEN)）",
        ),
        (
            errors.CaseExistsError("case DEMO-2026-000001 already exists; not started again"),
            "案件 DEMO-2026-000001 已存在，未再次启动（case DEMO-2026-000001 already exists; not started again）",
        ),
        (
            errors.DecisionRejectedError("DEMO-2026-000001", CaseClosedError("the case has ended; x")),
            "DEMO-2026-000001: 决定未获接受（decision refused）: 案件已办结，不再作出决定（the case has ended; x）",
        ),
        (errors.InputError("f.json: district: Field required"), "f.json: district: Field required"),
    ],
)
def test_the_command_lines_refusals_read_chinese_first(error: Exception, line: str) -> None:
    assert errors.for_people(error) == line


def test_a_refused_decision_keeps_the_guards_chinese_and_english() -> None:
    with pytest.raises(WrongStageError) as refused:
        check_stage(demo.DECISIONS["accept"], "accept", "review", "demo")
    line = errors.for_people(errors.DecisionRejectedError("DEMO-2026-000001", refused.value))
    assert line == (
        "DEMO-2026-000001: 决定未获接受（decision refused）: 决定 受理 accept 不能在当前环节 审查 review 作出"
        "（可作出的环节：受理 intake）; decision 'accept' is not allowed in stage 'review' (allowed in: intake)"
    )


@pytest.mark.parametrize(
    ("error", "status", "line"),
    [
        (
            errors.CaseNotFoundError("no case DEMO-1999-000001"),
            1,
            "没有案件 DEMO-1999-000001（no case DEMO-1999-000001）",
        ),
        (
            errors.ServerUnreachableError("Temporal server unreachable: x"),
            3,
            "无法连接 Temporal 服务器（Temporal server unreachable: x）",
        ),
    ],
)
def test_the_command_line_prints_one_line_and_keeps_its_exit_status(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    status: int,
    line: str,
) -> None:
    async def refuse(args: argparse.Namespace, settings: Settings) -> int:
        raise error

    monkeypatch.setattr(subsidies, "cmd_subsidy_quote", refuse)
    assert cli.run(["subsidy", "quote", "f.json"]) == status
    assert capsys.readouterr().err == f"govflow: {line}\n"
