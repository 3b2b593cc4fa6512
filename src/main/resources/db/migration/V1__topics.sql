CREATE TABLE topics (
    name        VARCHAR(249) NOT NULL PRIMARY KEY,
    partitions  INTEGER      NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE topic_configs (
    topic_name   VARCHAR(249) NOT NULL REFERENCES topics (name) ON DELETE CASCADE,
    config_key   VARCHAR(64)  NOT NULL,
    config_value VARCHAR(64)  NOT NULL,
    PRIMARY KEY (topic_name, config_key)
);
