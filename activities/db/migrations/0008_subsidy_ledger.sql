-- The annual ledger of the foreign-trade development fund (京商财务字〔2021〕33号 四(四)): what each
-- enterprise has been paid each year, and every disbursement. Authoritative, not a projection:
-- the cap is enforced here, under a lock on the enterprise's year, so that two disbursements
-- approved at the same moment cannot both take the last of it; the CHECK is the last guard.
CREATE TABLE subsidy_ledger_years (
    enterprise_id text    NOT NULL,
    year          integer NOT NULL,
    cap           numeric(14, 2),              -- NULL: no annual cap (dual-autonomous, service)
    disbursed     numeric(14, 2) NOT NULL DEFAULT 0,
    PRIMARY KEY (enterprise_id, year),
    CHECK (cap IS NULL OR disbursed <= cap),
    CHECK (disbursed >= 0)
);

CREATE TABLE subsidy_disbursements (
    case_no       text           PRIMARY KEY,  -- one disbursement per project case
    enterprise_id text           NOT NULL,
    year          integer        NOT NULL,
    approved      numeric(14, 2) NOT NULL,
    amount        numeric(14, 2) NOT NULL CHECK (amount >= 0 AND amount <= approved),
    cut_reason    text,
    at            timestamptz    NOT NULL,
    FOREIGN KEY (enterprise_id, year) REFERENCES subsidy_ledger_years
);
CREATE INDEX subsidy_disbursements_year ON subsidy_disbursements (enterprise_id, year);
