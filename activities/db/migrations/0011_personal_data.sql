-- Personal data in the title read models (domain/personal.py, docs/platform.md "Personal data").
--
-- The register, the blacklist and the revocations kept a person's ID number, which no query
-- reads except to find the same person again: they now keep the person's keyed pseudonym
-- (`person`, workers.keyring: KeyRing.pseudonym), computed with a key this database never holds.
-- The blacklist's `name` is read by no query: no longer written. The register keeps `name`:
-- `govflow title verify` shows it for a certificate number.
--
-- Rows of before keep their ID number (SQL cannot compute a keyed pseudonym) and are still
-- found by it; `govflow rebuild-projections`, run once after this migration, rewrites the
-- register and the blacklist from the log with pseudonyms and turns the revocations' ID numbers
-- into pseudonyms.

ALTER TABLE title_certificates
    ALTER COLUMN id_number DROP NOT NULL,
    ADD COLUMN person text;

ALTER TABLE title_blacklist
    ALTER COLUMN id_number DROP NOT NULL,
    ALTER COLUMN name DROP NOT NULL,
    ADD COLUMN person text;
CREATE INDEX title_blacklist_pseudonym ON title_blacklist (person);

ALTER TABLE title_revocations
    ALTER COLUMN id_number DROP NOT NULL,
    ADD COLUMN person text;
CREATE INDEX title_revocations_pseudonym ON title_revocations (person);
