package io.caudal.group;

import java.util.List;

import io.caudal.offset.PartitionOffset;

/**
 * What a poll may read, decided in its first round under the group's lock: the member's readable partitions with
 * the offset it reads each from, in the order to read them (a different partition first at each poll, so none is
 * starved).
 * @param positions the partitions and offsets
 * @param news whether the member's answer tells it something new (generation, partitions, a revocation), so the poll
 * must not wait for records
 */
public record PollPlan(List<PartitionOffset> positions, boolean news) {

	public PollPlan {
		positions = List.copyOf(positions);
	}

}
