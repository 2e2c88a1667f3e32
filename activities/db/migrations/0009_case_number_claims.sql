-- Who took which case number (workflows.intake). An intake claims each number here before it
-- starts the case, so that two intakes over one database (a reset Temporal namespace, a second
-- one) never give the same number. A claim is named by the intake (its run and the claim's
-- place in it), so a claim retried after its answer was lost gets the same number back instead
-- of leaving a gap.
CREATE TABLE case_number_claims (
    prefix     text        NOT NULL,
    year       integer     NOT NULL,
    serial     integer     NOT NULL CHECK (serial >= 1),
    claim      text        NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (prefix, year, serial),
    UNIQUE (claim)
);
