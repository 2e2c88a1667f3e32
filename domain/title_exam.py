"""The exam route to an assistant or intermediate IP title (京人社事业发〔2021〕32号 三, 五(一)).

1 register online and submit; 2 the exam office checks eligibility online — eligible and paid
is registered; 3 sit the exam, get the score; 4 the certificate (issued by the national
ministry, 人力资源社会保障部, and announced by the bureau's exam service).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, ValidationInfo, model_validator

from domain.case import CaseOpening, DecisionRule
from domain.inputs import FactDate, Identifier, Text, Year, boundary_today
from domain.models import Record, Verdict
from domain.title import ReportFraud, national_certificate_number_valid
from domain.title_eligibility import Applicant, Direction, Level

EXAM = "title-exam"
EXAM_OFFICE = "北京市人事考评办公室"
CHECK, PAYMENT, REGISTERED, CERTIFICATE = "eligibility-check", "payment", "registered", "certificate"
MAX_EXAM_FEE = 10_000
"""Yuan: an exam's fee is some hundreds; more is a slip of the keyboard."""


class ExamRegistration(Record):
    """五(一)1: the registration submitted online."""

    applicant: Applicant
    level: Level
    direction: Direction
    exam_year: Year = Field(ge=2021, description="exams are held once a year (三)")
    filed_on: FactDate

    @model_validator(mode="after")
    def _by_exam(self) -> ExamRegistration:
        if not self.level.by_exam:
            raise ValueError(f"level: {self.level.chinese} is obtained by review (三), not examination")
        return self

    @property
    def applicant_id(self) -> str:
        return self.applicant.id_number


class ExamOpening(CaseOpening):
    application: ExamRegistration


class CheckRegistration(Verdict):
    """五(一)2: the exam office's online check against the conditions."""

    affirmative = "approved"
    approved: bool
    reasons: Text = ""  # Verdict's, as free text at the boundary


class Pay(Record):
    """五(一)2: paid — with the approval, the registration succeeds."""

    receipt_no: Identifier = Field(min_length=1)
    # Whole yuan, an int in the recorded payload (not an Amount, whose JSON is a string).
    amount_yuan: int = Field(gt=0, le=MAX_EXAM_FEE)


class RecordScore(Record):
    """五(一)3: the score of the exam."""

    sat_on: FactDate
    score: int = Field(ge=0, le=150)
    pass_mark: int = Field(gt=0, le=150)


class IssueCertificate(Record):
    """五(一)4: the national certificate (经济专业技术资格证书)."""

    certificate_no: Identifier = Field(min_length=6)

    @model_validator(mode="after")
    def _national_number(self, info: ValidationInfo) -> IssueCertificate:
        """三: the ministry's number, never one of the bureau's BJIP-… (the register holds both).
        At the boundary only: a case that took another shape before replays as it was."""
        if boundary_today(info) is not None and not national_certificate_number_valid(self.certificate_no):
            raise ValueError(
                f"certificate_no: {self.certificate_no} is not a ministry certificate number "
                "(三: 6–32 digits or capital letters; BJIP-… numbers are the bureau's, for reviews)"
            )
        return self


OFFICE = frozenset({"exam-office"})
EXAM_DECISIONS: dict[str, DecisionRule] = {
    "check": DecisionRule(frozenset({CHECK}), OFFICE, CheckRegistration),
    "pay": DecisionRule(frozenset({PAYMENT}), OFFICE, Pay),
    "record-score": DecisionRule(frozenset({REGISTERED}), OFFICE, RecordScore),
    "issue-certificate": DecisionRule(frozenset({CERTIFICATE}), OFFICE, IssueCertificate),
    "report-fraud": DecisionRule(frozenset({CHECK, PAYMENT, REGISTERED, CERTIFICATE}), OFFICE, ReportFraud),
}


class ExamScored(Record):
    sat_on: date
    score: int
    pass_mark: int
    passed: bool


class CertificateNumberTaken(Record):
    """The ministry's number entered for this certificate is another case's in the register (a
    typing error): nothing is issued; the case stays in its stage for the right number."""

    certificate_no: str
    held_by: str


class ExamCertified(Record):
    certificate_no: str
    level: str
    direction: str
