package io.caudal.log;

/**
 * A registration made by {@link PartitionLog#awaitRecordsAfter(long, Runnable)}. Thread-safe.
 */
public interface AppendWaiter {

	/**
	 * Removes the registration, so that its callback never runs if it has not run yet. Call it when a long poll
	 * times out: waiters that are neither fired nor cancelled stay registered.
	 * @return true if the callback had not run and now never will; false if it ran or was already cancelled
	 */
	boolean cancel();

}
