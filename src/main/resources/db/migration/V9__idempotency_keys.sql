-- Idempotency keys of produce requests on a Kafka cluster (io.caudal.kafka), shared by every node so that a retry
-- through any node, even after the node of the first try died, writes at most once. A key is claimed (pending)
-- before its records are written, with each partition's end offset just before the write, so that a node taking
-- over a claim whose node died can look for the key's batches from there; times are the database's.

CREATE TABLE idempotency_keys (
    topic            VARCHAR(249) NOT NULL,
    key_hash         BIGINT       NOT NULL,
    body_sha256      CHAR(64)     NOT NULL,
    partition_count  INTEGER      NOT NULL,
    pending          BOOLEAN      NOT NULL,
    claim_token      BIGINT       NOT NULL,
    claimed_at_ms    BIGINT       NOT NULL,
    expires_at_ms    BIGINT       NOT NULL,
    write_ends       VARCHAR,
    stored           VARCHAR,
    PRIMARY KEY (topic, key_hash)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at_ms);
