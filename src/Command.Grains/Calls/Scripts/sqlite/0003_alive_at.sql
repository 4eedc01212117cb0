-- When a live call was last known alive (a side's heartbeat, written at most once a minute): a call whose whole cluster
-- stopped ends at about this time when its grain comes back, not at the restart.
ALTER TABLE calls ADD COLUMN alive_at INTEGER NULL;
