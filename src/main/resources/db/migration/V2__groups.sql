-- Consumer groups: durable membership (owned by io.caudal.offset) and committed offsets.
-- A group row holds its generation; a member row holds the member's own generation (the group
-- generation it was last told); a partition row holds, for every partition a group reads, the
-- member the target assigns it to and the member that owns it now (at most one: the primary key).

CREATE TABLE consumer_groups (
    group_id    VARCHAR(255) NOT NULL PRIMARY KEY,
    generation  INTEGER      NOT NULL
);

CREATE TABLE group_members (
    group_id           VARCHAR(255) NOT NULL REFERENCES consumer_groups (group_id) ON DELETE CASCADE,
    member_id          VARCHAR(64)  NOT NULL,
    instance_id        VARCHAR(255),
    transport          VARCHAR(16)  NOT NULL,
    session_timeout_ms INTEGER      NOT NULL,
    assignor           VARCHAR(16)  NOT NULL,
    auto_offset_reset  VARCHAR(16)  NOT NULL,
    join_order         BIGINT       NOT NULL,
    generation         INTEGER      NOT NULL,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE group_member_topics (
    group_id   VARCHAR(255) NOT NULL,
    member_id  VARCHAR(64)  NOT NULL,
    topic      VARCHAR(249) NOT NULL,
    PRIMARY KEY (group_id, member_id, topic),
    FOREIGN KEY (group_id, member_id) REFERENCES group_members (group_id, member_id) ON DELETE CASCADE
);

CREATE TABLE group_partitions (
    group_id         VARCHAR(255) NOT NULL REFERENCES consumer_groups (group_id) ON DELETE CASCADE,
    topic            VARCHAR(249) NOT NULL,
    partition_index  INTEGER      NOT NULL,
    target_member_id VARCHAR(64),
    owner_member_id  VARCHAR(64),
    revoking         BOOLEAN      NOT NULL,
    PRIMARY KEY (group_id, topic, partition_index)
);

-- No foreign key to consumer_groups: offsets outlive membership (an empty group keeps them, and
-- offsets may be reset for a group no member has joined yet).
CREATE TABLE committed_offsets (
    group_id         VARCHAR(255) NOT NULL,
    topic            VARCHAR(249) NOT NULL,
    partition_index  INTEGER      NOT NULL,
    committed_offset BIGINT       NOT NULL,
    committed_at     BIGINT       NOT NULL,
    PRIMARY KEY (group_id, topic, partition_index)
);

CREATE INDEX committed_offsets_topic ON committed_offsets (topic);
