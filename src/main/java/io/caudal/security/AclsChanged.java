package io.caudal.security;

/** Published after ACLs were created or deleted: open connections must be checked again. */
record AclsChanged() {
}
