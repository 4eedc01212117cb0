-- Orleans' reminder service reads the reminders of its part of the hash ring: each row keeps its grain's
-- GrainId.GetUniformHashCode() (an unsigned 32-bit value). Rows written before the move to Orleans have none yet;
-- SqliteReminderTable fills it in when the silo starts.
ALTER TABLE reminders ADD COLUMN grain_hash INTEGER NULL;

CREATE INDEX reminders_grain_hash ON reminders (grain_hash);

-- Orleans works each tick out from first_due_at and period_ms. next_due_at is no longer read (it now repeats
-- first_due_at), so nothing needs it indexed.
DROP INDEX reminders_next_due;
