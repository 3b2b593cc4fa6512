-- Security (owned by io.caudal.security): socket tickets waiting to be used, kept in the database so that a ticket
-- issued by one node opens a socket on any node, once. Only the ticket's SHA-256 is stored.

CREATE TABLE socket_tickets (
    ticket_hash            CHAR(64)     NOT NULL PRIMARY KEY,
    principal              VARCHAR(260) NOT NULL,
    credential             VARCHAR      NOT NULL,
    credential_expires_at  BIGINT,
    expires_at             BIGINT       NOT NULL
);

CREATE INDEX socket_tickets_principal ON socket_tickets (principal);
