-- Projection: the register of 《拍卖经营批准证书》 (京商流通字〔2021〕9号): each certificate's
-- present status and its history (issued, changed, renewed, reissued, cancelled, revoked).
CREATE TABLE certificates (
    certificate_no text        PRIMARY KEY,
    holder_id      text        NOT NULL,
    status         text        NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE certificate_history (
    certificate_no text        NOT NULL,
    case_no        text        NOT NULL,
    seq            integer     NOT NULL,
    action         text        NOT NULL,
    detail         text,
    at             timestamptz NOT NULL,
    PRIMARY KEY (case_no, seq)
);
CREATE INDEX certificate_history_no ON certificate_history (certificate_no, at);
