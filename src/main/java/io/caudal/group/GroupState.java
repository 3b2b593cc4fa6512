package io.caudal.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * The state of a consumer group, in the spirit of Kafka's group state enums: each state lists
 * the states it may be entered from, and {@link ConsumerGroup} refuses any other transition.
 *
 * <ul>
 * <li>{@code EMPTY}: no member; the group may still hold committed offsets.</li>
 * <li>{@code RECONCILING}: the target assignment has changed and some member does not yet own
 * exactly its target, or has not yet been told the current generation.</li>
 * <li>{@code STABLE}: every member owns exactly its target partitions and knows the current
 * generation.</li>
 * </ul>
 */
public enum GroupState {

	EMPTY, RECONCILING, STABLE;

	static {
		EMPTY.validPreviousStates = EnumSet.of(RECONCILING, STABLE);
		RECONCILING.validPreviousStates = EnumSet.of(EMPTY, STABLE);
		STABLE.validPreviousStates = EnumSet.of(RECONCILING);
	}

	private Set<GroupState> validPreviousStates;

	/** The states this one may be entered from. */
	public Set<GroupState> validPreviousStates() {
		return EnumSet.copyOf(this.validPreviousStates);
	}

	boolean canFollow(GroupState previous) {
		return this.validPreviousStates.contains(previous);
	}

}
