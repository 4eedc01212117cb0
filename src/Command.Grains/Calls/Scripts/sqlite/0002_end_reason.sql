-- Why the system ended a live call (caller-lost | callee-lost: that side's device showed no sign of life for too long);
-- NULL when a person hung up, declined or the ringing ran out.
ALTER TABLE calls ADD COLUMN end_reason TEXT NULL;
