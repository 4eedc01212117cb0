-- Attachments (photos and documents of a case). The bytes live in the row, not on disk: every silo of a cluster reads
-- the one database, so a photo uploaded through one node is served by every other, and a backup of the database is a
-- backup of the attachments. Each is at most 10 MB, checked before it is written.
CREATE TABLE attachments (
    id           TEXT    NOT NULL PRIMARY KEY,   -- random, URL-safe
    case_code    TEXT    NOT NULL,
    name         TEXT    NOT NULL,               -- the file name as uploaded, cleaned
    content_type TEXT    NOT NULL,               -- from the content's magic bytes, never from the name
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    uploaded_at  INTEGER NOT NULL,               -- unix milliseconds
    content      BLOB    NOT NULL
) WITHOUT ROWID;

CREATE INDEX attachments_case ON attachments (case_code, uploaded_at);
