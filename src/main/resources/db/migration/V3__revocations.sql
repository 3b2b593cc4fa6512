-- A revoked partition moves only once its old owner has provably seen the revocation: a member now
-- has a rebalance timeout (how long it may keep a revoked partition), and a revoking partition
-- remembers the generation that revoked it (a call carrying that generation or a later one releases it).

ALTER TABLE group_members ADD COLUMN rebalance_timeout_ms INTEGER NOT NULL DEFAULT 30000;

ALTER TABLE group_partitions ADD COLUMN revoked_generation INTEGER;
