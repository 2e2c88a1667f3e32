-- The look-ups of all callers in the last minute are counted too (a caller is who the client
-- says it is: a guesser naming a new caller each time is held by the total).
CREATE INDEX qualification_code_lookups_at ON qualification_code_lookups (at);
