-- Security (owned by io.caudal.security): what each node's principals hold open for long (sockets, event streams,
-- waiting polls). Every node rewrites its rows each sync interval and counts the other nodes' rows, so that the
-- per-principal caps count across nodes. Rows a node stopped rewriting (it died) no longer count after three
-- intervals, by the database's clock.

CREATE TABLE principal_holds (
    node          CHAR(36)     NOT NULL,
    principal     VARCHAR(260) NOT NULL,
    kind          VARCHAR(16)  NOT NULL,
    held          INTEGER      NOT NULL,
    published_ms  BIGINT       NOT NULL,
    PRIMARY KEY (node, principal, kind)
);

CREATE INDEX principal_holds_published ON principal_holds (published_ms);
