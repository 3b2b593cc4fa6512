package io.caudal.topic;

/** A registration made by {@link Storage#awaitRecordsAfter}: cancel it when the wait ends. Thread-safe. */
@FunctionalInterface
public interface PartitionWait {

	/**
	 * Removes the registration, so that its callback never runs if it has not run yet.
	 * @return true if the callback had not run and now never will
	 */
	boolean cancel();

}
