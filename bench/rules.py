"""Benchmark of the pure rules: `.venv/bin/python bench/rules.py`.

Prints the cost of quoting a project of four claimed expenses under 京商财务字〔2021〕33号
(every row's cuts, the annual cap), of an eligibility assessment of the four title levels
(京人社事业发〔2021〕32号 附件), and of a committee drawing of 15 from 21 experts. These run inside
workflow tasks, so they should stay far below a millisecond.
"""

from __future__ import annotations

import json
import os
import sys
import timeit
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from domain.subsidy import Claim, QuoteRequest
from domain.title import Expert, draw_experts
from domain.title_eligibility import Applicant, Direction, assess_all

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def per_call(fn: Callable[[], object], number: int) -> float:
    return timeit.timeit(fn, number=number) / number * 1e6


def main() -> None:
    request = QuoteRequest.model_validate(json.loads((EXAMPLES / "subsidy" / "quote.json").read_text()))
    extra = [
        Claim.model_validate({"item": "financing-interest", "spend": "400000", "incurred_on": "2026-03-01"}),
        Claim.model_validate(
            {"item": "online-fair-booth", "spend": "60000", "incurred_on": "2026-03-01", "booths": 3}
        ),
    ]
    four = request.model_copy(
        update={"claims": (*request.claims, *extra), "received_this_year": Decimal(500_000)}
    )
    person = Applicant.model_validate(json.loads((EXAMPLES / "title-review" / "person.json").read_text()))
    pool = [Expert(id=f"E{n:03d}", name=f"专家{n}", unit=f"单位{n % 7}") for n in range(21)]
    print(f"subsidy quote, 4 claims + annual cap:   {per_call(four.quote, 2000):8.1f} µs")
    print(
        f"title eligibility, 4 levels:            "
        f"{per_call(lambda: assess_all(person, Direction.SERVICES, date(2026, 9, 1)), 2000):8.1f} µs"
    )
    print(
        f"committee drawing, 15 of 21 experts:    "
        f"{per_call(lambda: draw_experts(pool, 15, 'committee-2026', 'committee:2026'), 2000):8.1f} µs"
    )


if __name__ == "__main__":
    main()
