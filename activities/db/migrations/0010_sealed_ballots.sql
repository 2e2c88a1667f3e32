-- Sealed ballots (京人社事业发〔2021〕32号 五(二)5; the design is in activities/db/ballots.py).
--
-- The counters of 0007 gave every ballot away to whoever reads the data files: each ballot's
-- transaction left a dead version of the counters beside its attendance row, with the same
-- transaction id, and the counter that grew was the choice. A ballot is now sealed on the
-- member's terminal to the box's public tally key and stored as an opaque value of fixed
-- length; its private key is never in this database, and the tally is taken only when the
-- box is closed.

ALTER TABLE ballot_boxes
    -- The X25519 public key ballots are sealed to; NULL for a box opened before sealing, which
    -- takes no more ballots (its ballots so far are in the counts below).
    ADD COLUMN tally_key bytea CHECK (octet_length(tally_key) = 32),
    -- The tally: written once, in the transaction that closes the box.
    ADD COLUMN approve integer NOT NULL DEFAULT 0 CHECK (approve >= 0),
    ADD COLUMN reject  integer NOT NULL DEFAULT 0 CHECK (reject >= 0),
    ADD COLUMN abstain integer NOT NULL DEFAULT 0 CHECK (abstain >= 0);

-- A box of before keeps its counts, so that closing it (or closing it again) gives its tally.
UPDATE ballot_boxes b SET
    approve = COALESCE((SELECT count FROM ballot_counts c WHERE (c.case_no, c.ballot_no, c.choice) = (b.case_no, b.ballot_no, 'approve')), 0),
    reject  = COALESCE((SELECT count FROM ballot_counts c WHERE (c.case_no, c.ballot_no, c.choice) = (b.case_no, b.ballot_no, 'reject')), 0),
    abstain = COALESCE((SELECT count FROM ballot_counts c WHERE (c.case_no, c.ballot_no, c.choice) = (b.case_no, b.ballot_no, 'abstain')), 0);

DROP TABLE ballot_counts;

-- One row per ballot: the box and the sealed choice, nothing else (no member, no time, no
-- sequence number). Every sealed value has the same length (a 32-byte ephemeral key, the
-- 8-byte padded choice, a 16-byte tag) and none repeats.
CREATE TABLE sealed_ballots (
    case_no   text    NOT NULL,
    ballot_no integer NOT NULL,
    sealed    bytea   NOT NULL CHECK (octet_length(sealed) = 56),
    PRIMARY KEY (case_no, ballot_no, sealed),
    FOREIGN KEY (case_no, ballot_no) REFERENCES ballot_boxes
);
