-- Consumer groups shared by several nodes (io.caudal.offset): a node acts on a group only under a lock on its row,
-- after loading it, so everything a decision needs is in the database. The group's version moves with every write
-- concerning it, so a node notices changes made by another. Deadlines are kept in the database's own time, the one
-- clock every node sees alike; a member's position (the next offset to deliver) lives with the partition it owns.

ALTER TABLE consumer_groups ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

ALTER TABLE group_members ADD COLUMN session_deadline_ms BIGINT;

-- The principal that joined a member (null with security off): only it may act as the member, on any node, and
-- its members count against its cap wherever they joined.
ALTER TABLE group_members ADD COLUMN principal VARCHAR(260);

CREATE INDEX group_members_principal ON group_members (principal);

ALTER TABLE group_partitions ADD COLUMN delivered_position BIGINT;

ALTER TABLE group_partitions ADD COLUMN release_deadline_ms BIGINT;

CREATE INDEX group_members_session_deadline ON group_members (session_deadline_ms);
