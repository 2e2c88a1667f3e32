-- The case core: the append-only event log and the projections every procedure shares.

CREATE TABLE case_events (
    case_no    text        NOT NULL,
    seq        integer     NOT NULL CHECK (seq >= 1),
    at         timestamptz NOT NULL,
    type       text        NOT NULL,
    actor      text        NOT NULL,
    data       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_no, seq)
);
CREATE INDEX case_events_type ON case_events (type);

-- Append-only: history is never edited, an error is corrected by a later event.
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- Case numbers are handed out per procedure and year, without reuse.
CREATE TABLE case_number_counters (
    prefix text    NOT NULL,
    year   integer NOT NULL,
    last   integer NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- Projection: one row a case.
CREATE TABLE cases (
    case_no       text        PRIMARY KEY,
    procedure     text        NOT NULL,
    stage         text        NOT NULL,
    applicant_id  text        NOT NULL,
    district      text,
    opened_at     timestamptz NOT NULL,
    next_deadline timestamptz,
    deadlines     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    outcome       text,
    closed_at     timestamptz,
    last_seq      integer     NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX cases_procedure_stage ON cases (procedure, stage);
CREATE INDEX cases_next_deadline ON cases (next_deadline) WHERE outcome IS NULL;

-- Projection and outbox: every notice issued, once per (case, step).
CREATE TABLE notices (
    case_no   text        NOT NULL,
    step      text        NOT NULL,
    seq       integer     NOT NULL,
    template  text        NOT NULL,
    recipient text        NOT NULL,
    title     text        NOT NULL,
    body      text        NOT NULL,
    issued_at timestamptz NOT NULL,
    PRIMARY KEY (case_no, step)
);

-- Not a projection: what each delivery channel has done with a notice.
CREATE TABLE notice_deliveries (
    case_no      text        NOT NULL,
    step         text        NOT NULL,
    channel      text        NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_no, step, channel)
);

-- Projection: escalations sent to supervising bodies.
CREATE TABLE escalations (
    case_no          text        NOT NULL,
    seq              integer     NOT NULL,
    clock            text        NOT NULL,
    article          text        NOT NULL,
    supervising_body text        NOT NULL,
    reason           text        NOT NULL,
    escalated_at     timestamptz NOT NULL,
    PRIMARY KEY (case_no, seq)
);

-- Projection: verification steps and their results.
CREATE TABLE verifications (
    case_no     text        NOT NULL,
    seq         integer     NOT NULL,
    step        text        NOT NULL,
    result      text        NOT NULL,
    verifier    text        NOT NULL,
    evidence    text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (case_no, seq)
);
