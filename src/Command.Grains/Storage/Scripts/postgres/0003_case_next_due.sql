-- The case's next deadline, written with the case: the durable record of when it must look at itself again. Orleans'
-- reminder wakes it on time; a periodic sweep wakes any case whose deadline passed without its reminder.
ALTER TABLE cases ADD COLUMN next_due_at BIGINT NULL;     -- unix milliseconds

CREATE INDEX cases_next_due ON cases (next_due_at) WHERE next_due_at IS NOT NULL;
