-- Official State Council schedules loaded by an operator; each replaces the holidays
-- package's data for its year. Reference data, not case data: not a projection.
CREATE TABLE calendar_schedules (
    year       integer     PRIMARY KEY,
    holidays   date[]      NOT NULL,
    workdays   date[]      NOT NULL,
    names      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    checksum   text        NOT NULL,
    source     text        NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);
