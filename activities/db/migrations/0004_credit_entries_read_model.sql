-- Projection: entries of the applicants' credit records (京商流通字〔2021〕9号 四), for the
-- commitment route's credit gate and for operators.
CREATE TABLE credit_entries (
    case_no          text    NOT NULL,
    breach_id        text    NOT NULL,
    applicant_id     text    NOT NULL,
    found_on         date    NOT NULL,
    reported_grade   text    NOT NULL,
    grade            text    NOT NULL,
    publicity_months integer,
    publicity_ends   date,
    repaired_on      date,
    objection        text,
    withdrawn        boolean NOT NULL DEFAULT false,
    publicity_ended  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (case_no, breach_id)
);
CREATE INDEX credit_entries_applicant ON credit_entries (applicant_id);
