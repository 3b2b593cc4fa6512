package io.caudal.security;

/** Published when a key is revoked: what it opened must end. */
record CredentialRevoked(String credential) {
}
