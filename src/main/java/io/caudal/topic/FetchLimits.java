package io.caudal.topic;

/**
 * The server's caps on a fetch; larger requests are lowered to them.
 * @param maxRecords the most records in one answer
 * @param maxBytes the most record bytes in one answer (a single larger record still comes back)
 * @param maxWaitMs the longest a long poll waits
 * @param maxWaitingPolls the most long polls waiting at once; past it a poll answers at once
 */
public record FetchLimits(int maxRecords, int maxBytes, long maxWaitMs, int maxWaitingPolls) {
}
