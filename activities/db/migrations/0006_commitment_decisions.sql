-- Projection: commitment-route decisions awaiting their spot check (京商流通字〔2021〕9号 三(一)),
-- and the round that took each one up.
CREATE TABLE commitment_decisions (
    permit_case_no text PRIMARY KEY,
    uscc           text NOT NULL,
    name           text NOT NULL,
    certificate_no text NOT NULL,
    decided_on     date NOT NULL,
    spot_check_due date NOT NULL,
    round_case_no  text
);
