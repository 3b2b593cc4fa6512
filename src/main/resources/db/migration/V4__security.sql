-- Security (owned by io.caudal.security): key principals and their API keys (stored as SHA-256 only), Kafka-style
-- ACLs, per-principal quotas, and which principal holds each static member's instance id.

CREATE TABLE principals (
    name        VARCHAR(249) NOT NULL PRIMARY KEY,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE api_keys (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    principal   VARCHAR(249) NOT NULL REFERENCES principals (name) ON DELETE CASCADE,
    key_hash    CHAR(64)     NOT NULL UNIQUE,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE acls (
    resource_type VARCHAR(16)   NOT NULL,
    resource_name VARCHAR(255)  NOT NULL,
    pattern_type  VARCHAR(16)   NOT NULL,
    principal     VARCHAR(260)  NOT NULL,
    operation     VARCHAR(16)   NOT NULL,
    permission    VARCHAR(8)    NOT NULL,
    PRIMARY KEY (resource_type, resource_name, pattern_type, principal, operation, permission)
);

CREATE TABLE quotas (
    principal           VARCHAR(260) NOT NULL PRIMARY KEY,
    producer_byte_rate  BIGINT,
    consumer_byte_rate  BIGINT,
    request_rate        BIGINT
);

CREATE TABLE static_instances (
    group_id     VARCHAR(255) NOT NULL,
    instance_id  VARCHAR(255) NOT NULL,
    principal    VARCHAR(260) NOT NULL,
    PRIMARY KEY (group_id, instance_id)
);
