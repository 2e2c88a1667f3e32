-- 六(一) of 京人社事业发〔2021〕32号: "工作单位没有认真履行审核责任，或出具虚假证明的，依法依规追究单位…
-- 的责任": what is recorded against an applicant's employer, found by the employer's name.

-- Found while a case was open (EmployerHeldResponsible): a projection, rebuilt from case_events.
CREATE TABLE title_employer_records (
    case_no  text        NOT NULL,
    seq      integer     NOT NULL,
    employer text        NOT NULL,
    fault    text        NOT NULL CHECK (fault IN ('unchecked', 'false-proof')),
    findings text        NOT NULL,
    article  text        NOT NULL,
    at       timestamptz NOT NULL,
    PRIMARY KEY (case_no, seq)
);
CREATE INDEX title_employer_records_employer ON title_employer_records (employer);

-- Found when an issued title is revoked (the bureau's act, written with the revocation).
ALTER TABLE title_revocations
    ADD COLUMN employer       text,
    ADD COLUMN employer_fault text CHECK (employer_fault IN ('unchecked', 'false-proof')),
    ADD CONSTRAINT title_revocations_employer_with_fault
        CHECK ((employer IS NULL) = (employer_fault IS NULL));
CREATE INDEX title_revocations_employer ON title_revocations (employer) WHERE employer IS NOT NULL;
