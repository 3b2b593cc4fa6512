package io.caudal.group;

/**
 * Told when something changes for one member, so that a transport that pushes (a WebSocket) can
 * act without being asked. Callbacks run on the thread that made the change, after the
 * coordinator has let go of its locks; they must return quickly and never block. Calling back
 * into the coordinator from a callback is allowed.
 */
public interface MemberListener {

	/** A listener that ignores everything, for transports that only answer requests. */
	MemberListener NONE = new MemberListener() {
	};

	/**
	 * The member's assignment, pending revocations or generation changed; a
	 * {@link GroupCoordinator#heartbeat heartbeat} shows the new state and announces revocations.
	 */
	default void assignmentChanged() {
	}

	/** The member is no longer in its group: its session ended, it left, or another took its instance id. */
	default void removed() {
	}

	/**
	 * Whether the member gives up the partitions it was told to revoke only by committing or by a
	 * {@link GroupCoordinator#release release}, not at its next heartbeat or poll. A transport that
	 * heartbeats and polls on its own, without the client's asking (a socket), says true: its calls
	 * do not tell that the client has heard of the revocation.
	 */
	default boolean releasesExplicitly() {
		return false;
	}

}
