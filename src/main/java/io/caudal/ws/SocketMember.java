package io.caudal.ws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.group.Delivered;
import io.caudal.group.Delivery;
import io.caudal.group.GroupCoordinator;
import io.caudal.group.MemberAssignment;
import io.caudal.group.MemberListener;
import io.caudal.group.PollPlan;
import io.caudal.group.Transport;
import io.caudal.offset.PartitionOffset;
import io.caudal.time.Time;
import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.RecordWait;
import io.caudal.topic.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;

/**
 * A consumer group member whose transport is one socket: the {@link RecordSource} of the socket's
 * pump and the member's {@link MemberListener}. It joins when the socket opens and leaves when the
 * socket closes, however it closes. Each frame is a poll of the coordinator in two rounds (plan, then
 * deliver), with the records read and written into the frame between them, so the member's positions
 * move past exactly the records the frame holds; a delivery the coordinator refuses in part (the
 * assignment changed meanwhile) is dropped whole and read again. While idle it waits on its
 * partitions from its positions on, and on the coordinator's news.
 *
 * <p>
 * Every {@code assignment} frame is sent by the pump, in order with the {@code records} frames, so
 * no record of a partition follows the frame that took it away; one goes out whenever the
 * generation, leader, partitions or revocations change. A partition being revoked stays the
 * member's until the client shows it heard: an {@code ack} or a commit carrying that generation,
 * or a commit of everything written to it from the partition; else until its rebalance timeout
 * ({@code rebalanceTimeoutMs}, by default {@code caudal.websocket.rebalance-timeout}). A credit
 * message releases nothing: the client may have sent it before it read the revocation.
 * <p>
 * Only records <em>written</em> to the socket count as delivered: a commit without offsets, and
 * every automatic one, commits the positions of the frames the socket has written, never of
 * frames still queued. With {@code autoCommit} the member commits every
 * {@code auto-commit-interval} when frames were written, when the client closes the socket
 * normally (1000 or 1001), and as soon as an assignment frame with revocations has been written
 * (so is every frame before it): it then lets go of those partitions at once. The member
 * heartbeats every third of its session timeout while the socket has room in its send buffer, so
 * its session ends only with the socket, or when the client reads so slowly that a frame takes
 * longer than the session timeout to be written.
 *
 * <p>
 * Threading: {@link #maintain}, {@link #next} and {@link #awaitRecords} run on the pump, one at a
 * time; {@link #changed} on the session keeper; {@link #commit}, {@link #ack} and
 * {@link #ending} on the container's threads, as do the callbacks of written frames; {@link #close}
 * on any thread. The listener's callbacks and the frames' only set a flag and wake the pump.
 */
final class SocketMember implements RecordSource, MemberListener {

	private static final Logger logger = LoggerFactory.getLogger(SocketMember.class);

	private final GroupCoordinator coordinator;

	private final FetchService fetch;

	private final RecordEncoder encoder;

	private final Connection connection;

	private final Time time;

	private final GroupSocketRequest request;

	private final long autoCommitIntervalNanos;

	private final long heartbeatIntervalNanos;

	private volatile String memberId;

	/** Whether the pump should fetch the member's assignment and announce it if it changed. */
	private final AtomicBoolean stale = new AtomicBoolean(true);

	private volatile boolean removed;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** The assignment last sent to the client; null before the first. */
	private volatile MemberAssignment announced;

	/** The next offset of each partition after the records of the frames written to the socket. */
	private final Map<TopicPartition, Long> written = new ConcurrentHashMap<>();

	/** With autoCommit: an assignment with revocations that has been written, so its partitions can go. */
	private volatile MemberAssignment revocationWritten;

	private volatile long lastCallNanos;

	private volatile long lastAutoCommitNanos;

	/** Whether frames were written since the last automatic commit. */
	private volatile boolean uncommitted;

	/** Where the member reads each of its partitions next, as of the last poll; the pump's alone. */
	private Map<TopicPartition, Long> positions = Map.of();

	/** The wait registered by the last {@link #awaitRecords}; the pump's alone, but cancelled by any thread. */
	private volatile RecordWait wait;

	private SocketMember(GroupSocketRequest request, Connection connection, GroupCoordinator coordinator,
			FetchService fetch, RecordEncoder encoder, Time time, CaudalProperties.Websocket settings) {
		this.request = request;
		this.connection = connection;
		this.coordinator = coordinator;
		this.fetch = fetch;
		this.encoder = encoder;
		this.time = time;
		this.autoCommitIntervalNanos = settings.autoCommitInterval().toNanos();
		this.heartbeatIntervalNanos = request.member().sessionTimeoutMs() * 1_000_000L / 3;
	}

	/**
	 * Joins the group the socket asked for and sends the {@code joined} frame; the first
	 * {@code assignment} frame follows from the pump once started.
	 * @throws CaudalException as {@link GroupCoordinator#join} does: {@link ErrorCode#TOPIC_NOT_FOUND},
	 * or {@link ErrorCode#INVALID_REQUEST} for a bad group id
	 */
	static SocketMember join(GroupSocketRequest request, Connection connection, GroupCoordinator coordinator,
			FetchService fetch, RecordEncoder encoder, Time time, CaudalProperties.Websocket settings) {
		SocketMember member = new SocketMember(request, connection, coordinator, fetch, encoder, time, settings);
		MemberAssignment joined = coordinator.join(request.group(), request.member(), Transport.WEBSOCKET, null, member);
		member.memberId = joined.memberId();
		long now = time.nanoseconds();
		member.lastCallNanos = now;
		member.lastAutoCommitNanos = now;
		logger.debug("{} - Socket {} is member {}, reading {} with autoCommit {}.", request.group(), connection.id(),
				joined.memberId(), request.member().topics(), request.autoCommit());
		connection.send(ServerMessage.Joined.of(joined));
		return member;
	}

	@Override
	public void maintain() {
		checkPresent();
		long now = this.time.nanoseconds();
		boolean refresh = this.stale.getAndSet(false) || heartbeatDue(now);
		MemberAssignment heard = this.revocationWritten;
		if (heard != null) {
			// Every frame before the revocation was written: what the client got is committed, the rest is not.
			this.revocationWritten = null;
			commitWritten();
			this.coordinator.release(group(), this.memberId, heard.revoking());
			refresh = true;
		}
		if (autoCommitDue(now)) {
			commitWritten();
			refresh = true;
		}
		if (refresh) {
			MemberAssignment assignment = this.coordinator.heartbeat(group(), this.memberId, null);
			this.lastCallNanos = this.time.nanoseconds();
			announce(assignment);
		}
	}

	@Override
	public RecordsFrame next(int maxRecords, long maxBytes) {
		checkPresent();
		PollPlan plan = this.coordinator.plan(group(), this.memberId, 0, null);
		List<PartitionRecords> reads = this.coordinator.read(plan, maxRecords,
				(int) Math.min(maxBytes, Integer.MAX_VALUE));
		RecordsFrame frame = reads.isEmpty() ? null : RecordsFrame.encode(this.encoder, reads, maxBytes);
		List<Delivery> deliveries = new ArrayList<>();
		Map<TopicPartition, Long> nextOffsets = new HashMap<>();
		for (int i = 0; i < reads.size(); i++) {
			if (frame.written().get(i).records() > 0) {
				TopicPartition partition = reads.get(i).partition();
				deliveries.add(new Delivery(partition, reads.get(i).fromOffset(), frame.written().get(i).nextOffset()));
				nextOffsets.put(partition, frame.written().get(i).nextOffset());
				// Until this frame is written, the client has everything before where this socket started reading.
				this.written.putIfAbsent(partition, reads.get(i).fromOffset());
			}
		}
		Delivered delivered = this.coordinator.deliver(group(), this.memberId, deliveries, true, null);
		this.lastCallNanos = this.time.nanoseconds();
		this.positions = delivered.positions();
		// A partition not sent from yet has nothing in flight: the client has everything before its position.
		delivered.positions().forEach(this.written::putIfAbsent);
		announce(delivered.assignment());
		if (frame == null || delivered.partitions().isEmpty()) {
			// Nothing to send, or the assignment changed under the read: read again from the new positions.
			return null;
		}
		return frame.whenWritten(() -> {
			this.written.putAll(nextOffsets);
			this.uncommitted = true;
		});
	}

	@Override
	public void awaitRecords(Runnable wakeup) {
		cancelWait();
		this.wait = this.fetch.await(this.positions, wakeup);
		// A close that ran before the wait was stored could not cancel it.
		if (this.closed.get()) {
			cancelWait();
		}
	}

	@Override
	public boolean changed() {
		checkPresent();
		long now = this.time.nanoseconds();
		return this.stale.get() || heartbeatDue(now) || this.revocationWritten != null || autoCommitDue(now);
	}

	/** Leaves the group, once; never throws. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		cancelWait();
		try {
			this.coordinator.leave(group(), this.memberId);
		}
		catch (CaudalException ex) {
			logger.debug("{} - Member {} was already gone when its socket closed: {}", group(), this.memberId,
					ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.warn("{} - Member {} could not leave when its socket closed; its session will end it.", group(),
					this.memberId, ex);
		}
	}

	/**
	 * A {@code commit} message: commits the offsets given, or without them the positions of the frames written to
	 * the socket, and answers {@code committed}. The coordinator then lets go of the revoked partitions the commit
	 * proves the client is done with.
	 * @throws CaudalException {@link ErrorCode#FENCED_MEMBER}, {@link ErrorCode#UNKNOWN_MEMBER},
	 * {@link ErrorCode#OFFSET_OUT_OF_RANGE} and the others of {@link GroupCoordinator#commit}
	 */
	void commit(ClientMessage.Commit commit) {
		List<PartitionOffset> offsets = commit.partitionOffsets();
		if (offsets == null) {
			offsets = writtenOffsets();
		}
		List<PartitionOffset> committed = offsets.isEmpty() ? List.of()
				: this.coordinator.commit(group(), this.memberId, offsets, commit.generation());
		this.lastCallNanos = this.time.nanoseconds();
		this.connection.send(new ServerMessage.Committed(committed));
		markStale();
	}

	/**
	 * An {@code ack} message: the client has read the assignment of {@code generation}, so the partitions it was
	 * told to give up by then are let go.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} without a generation, {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	void ack(ClientMessage.Ack ack) {
		if (ack.generation() == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"An ack message needs \"generation\": the generation of the assignment the client read.");
		}
		this.coordinator.heartbeat(group(), this.memberId, ack.generation());
		this.lastCallNanos = this.time.nanoseconds();
		markStale();
	}

	/**
	 * The socket has closed, before the member leaves: with {@code autoCommit}, a normal close (1000,
	 * or 1001 from a page going away) commits what was delivered; any other close commits nothing.
	 * Never throws.
	 */
	void ending(CloseStatus status) {
		boolean normal = status.getCode() == CloseStatus.NORMAL.getCode()
				|| status.getCode() == CloseStatus.GOING_AWAY.getCode();
		if (!this.request.autoCommit() || !normal || !this.uncommitted || this.closed.get()) {
			return;
		}
		try {
			commitWritten();
		}
		catch (RuntimeException ex) {
			logger.warn("{} - Member {} could not commit its delivered offsets as its socket closed.", group(),
					this.memberId, ex);
		}
	}

	@Override
	public void assignmentChanged() {
		markStale();
	}

	@Override
	public void removed() {
		if (!this.closed.get()) {
			this.removed = true;
			this.connection.wake();
		}
	}

	/**
	 * Sends the assignment if it differs from the last one sent. With {@code autoCommit}, one with revocations
	 * says, once written, that the client got every frame before it: the pump then commits and lets go.
	 */
	private void announce(MemberAssignment assignment) {
		if (assignment.equals(this.announced)) {
			return;
		}
		this.announced = assignment;
		Set<TopicPartition> owned = new HashSet<>(assignment.assignment());
		owned.addAll(assignment.revoking());
		this.written.keySet().retainAll(owned);
		Runnable whenWritten = null;
		if (this.request.autoCommit() && !assignment.revoking().isEmpty()) {
			whenWritten = () -> {
				this.revocationWritten = assignment;
				markStale();
			};
		}
		this.connection.send(ServerMessage.Assignment.of(assignment), whenWritten);
	}

	/** The positions of the frames written to the socket, in the partitions the member was last told it owns. */
	private List<PartitionOffset> writtenOffsets() {
		List<PartitionOffset> offsets = new ArrayList<>();
		this.written.forEach((tp, offset) -> offsets.add(PartitionOffset.of(tp, offset)));
		return offsets;
	}

	private void commitWritten() {
		this.uncommitted = false;
		this.lastAutoCommitNanos = this.time.nanoseconds();
		List<PartitionOffset> offsets = writtenOffsets();
		if (offsets.isEmpty()) {
			return;
		}
		try {
			List<PartitionOffset> committed = this.coordinator.commit(group(), this.memberId, offsets, null);
			logger.debug("{} - Member {} committed {} automatically.", group(), this.memberId, committed);
		}
		catch (CaudalException ex) {
			if (ex.code() != ErrorCode.FENCED_MEMBER) {
				throw ex;
			}
			// A partition moved on (its rebalance timeout passed) before this commit: the next assignment says so.
			logger.info("{} - Member {} could not commit {} automatically: {}", group(), this.memberId, offsets,
					ex.getMessage());
			markStale();
		}
		this.lastCallNanos = this.time.nanoseconds();
	}

	private void markStale() {
		this.stale.set(true);
		this.connection.wake();
	}

	private boolean heartbeatDue(long nowNanos) {
		return nowNanos - this.lastCallNanos >= this.heartbeatIntervalNanos;
	}

	private boolean autoCommitDue(long nowNanos) {
		return this.request.autoCommit() && this.uncommitted
				&& nowNanos - this.lastAutoCommitNanos >= this.autoCommitIntervalNanos;
	}

	private void checkPresent() {
		if (this.removed) {
			throw new CaudalException(ErrorCode.UNKNOWN_MEMBER, "Member " + this.memberId + " is no longer in group '"
					+ group() + "': its session ended or another socket joined with its instance id; open a new "
					+ "socket to join again.");
		}
	}

	private void cancelWait() {
		RecordWait current = this.wait;
		if (current != null) {
			current.cancel();
		}
	}

	private String group() {
		return this.request.group();
	}

}
