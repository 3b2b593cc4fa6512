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

}
