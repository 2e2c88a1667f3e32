-- Foreign professional qualifications (京人社事业发〔2021〕33号).

-- The catalog (附件1), one set of rows per version (四: "适时对《目录》进行升级完善"). The version
-- loaded last is in force for new requests; a case keeps the version it was judged under, so a
-- version once loaded is never rewritten (a load of the same version again changes nothing).
CREATE TABLE qualification_catalog_versions (
    version      text PRIMARY KEY,
    title        text        NOT NULL,
    source       text        NOT NULL,
    published_on date        NOT NULL,
    row_count    integer     NOT NULL CHECK (row_count > 0),
    loaded_seq   bigserial   NOT NULL UNIQUE,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    loaded_by    text        NOT NULL
);

CREATE TABLE qualification_catalog (
    version      text    NOT NULL REFERENCES qualification_catalog_versions,
    number       integer NOT NULL CHECK (number > 0),
    name         text    NOT NULL,
    issuer       text    NOT NULL,
    issuer_en    text,
    country      text,
    field        text    NOT NULL,
    remarks      text    NOT NULL,
    row_data     jsonb   NOT NULL,
    PRIMARY KEY (version, number)
);
CREATE INDEX qualification_catalog_field ON qualification_catalog (version, field);

-- The verification codes of authentic certificates (附件2 三). Not a projection: a code is
-- never in case_events or a workflow's history; only its SHA-256 is kept, beside the case and
-- the catalog row it answers for (the holder is not: a look-up tells nothing of the holder).
CREATE TABLE qualification_codes (
    code_digest      text PRIMARY KEY CHECK (code_digest ~ '^[0-9a-f]{64}$'),
    code_id          text        NOT NULL UNIQUE,
    case_no          text        NOT NULL UNIQUE,
    catalog_version  text        NOT NULL,
    qualification_no integer     NOT NULL,
    issued_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (catalog_version, qualification_no) REFERENCES qualification_catalog (version, number)
);

-- Every public look-up of a code: when, by whom, found or not (and the limit per caller per
-- minute is counted from it).
CREATE TABLE qualification_code_lookups (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    caller  text        NOT NULL,
    found   boolean     NOT NULL,
    limited boolean     NOT NULL DEFAULT false  -- refused: over the caller's limit, not looked up
);
CREATE INDEX qualification_code_lookups_caller ON qualification_code_lookups (caller, at);
