-- Projection: one row a complaint, for operators and the 第十九条 reports.
CREATE TABLE complaints (
    case_no               text        PRIMARY KEY,
    kind                  text        NOT NULL,
    receiving_level       text        NOT NULL,
    district              text,
    complainant_id        text        NOT NULL,
    complainant_kind      text        NOT NULL,
    received_on           date        NOT NULL,
    stage                 text        NOT NULL,
    accepted_on           date,
    non_acceptance_ground integer,
    termination_ground    integer,
    deemed_withdrawn      boolean     NOT NULL DEFAULT false,
    resolution_ways       text[]      NOT NULL DEFAULT '{}',
    terminated_on         date,
    closed_on             date,
    outcome               text,
    appeal_of             text
);
CREATE INDEX complaints_body ON complaints (receiving_level, district, received_on);

-- Reports made by the 第十九条 schedule (not a projection: a record of what was reported).
CREATE TABLE complaint_reports (
    report_id     text        PRIMARY KEY,
    kind          text        NOT NULL,
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    due_on        date        NOT NULL,
    content       jsonb       NOT NULL,
    generated_at  timestamptz NOT NULL DEFAULT now()
);
