-- Professional titles (京人社事业发〔2021〕32号).

-- The ballot boxes of the committee vote (四(二)5, 五(二)5). Not projections: the ballots
-- are never in case_events or in a workflow's history, so that no record links a member to
-- a choice. Who voted (ballot_attendance, no time) and how many chose what (ballot_counts, a
-- counter per choice, every counter rewritten by every ballot) are kept apart.
CREATE TABLE ballot_boxes (
    case_no   text      NOT NULL,
    ballot_no integer   NOT NULL,
    members   text[]    NOT NULL,
    closed    boolean   NOT NULL DEFAULT false,
    PRIMARY KEY (case_no, ballot_no)
);

CREATE TABLE ballot_attendance (
    case_no   text    NOT NULL,
    ballot_no integer NOT NULL,
    member    text    NOT NULL,
    PRIMARY KEY (case_no, ballot_no, member),
    FOREIGN KEY (case_no, ballot_no) REFERENCES ballot_boxes
);

CREATE TABLE ballot_counts (
    case_no   text    NOT NULL,
    ballot_no integer NOT NULL,
    choice    text    NOT NULL,
    count     integer NOT NULL DEFAULT 0 CHECK (count >= 0),
    PRIMARY KEY (case_no, ballot_no, choice),
    FOREIGN KEY (case_no, ballot_no) REFERENCES ballot_boxes
);

-- Projection: the register of Beijing electronic title certificates (五(二)7).
CREATE TABLE title_certificates (
    certificate_no text PRIMARY KEY,
    case_no        text NOT NULL,
    id_number      text NOT NULL,
    name           text NOT NULL,
    level          text NOT NULL,
    direction      text NOT NULL,
    issued_on      date NOT NULL
);
CREATE INDEX title_certificates_person ON title_certificates (id_number);

-- Projection: the dishonesty blacklist (六(一)) as the cases recorded it.
CREATE TABLE title_blacklist (
    case_no   text        NOT NULL,
    seq       integer     NOT NULL,
    id_number text        NOT NULL,
    name      text        NOT NULL,
    findings  text        NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (case_no, seq)
);
CREATE INDEX title_blacklist_person ON title_blacklist (id_number);

-- Revocations of titles obtained by fraud (六(一)): the integrity file. A revocation comes
-- after the case has ended, so it is written here by the bureau's command, not projected.
CREATE TABLE title_revocations (
    certificate_no text        PRIMARY KEY,  -- no foreign key: the register is rebuilt
    id_number      text        NOT NULL,
    reason         text        NOT NULL,
    revoked_by     text        NOT NULL,
    revoked_at     timestamptz NOT NULL
);
CREATE INDEX title_revocations_person ON title_revocations (id_number);
