-- Security (owned by io.caudal.security): one counter that every change of keys, ACLs or quotas moves in the
-- change's transaction, so that each node reloads its copies only when another node changed something.

CREATE TABLE security_changes (
    id       INT    NOT NULL PRIMARY KEY,
    version  BIGINT NOT NULL
);

INSERT INTO security_changes (id, version) VALUES (1, 0);
