package io.caudal.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * member's until the client commits, sends any other message, or {@code rebalance-timeout}
 * passes: the member {@link #releasesExplicitly releases explicitly}. With {@code autoCommit} the
 * member commits what was delivered and lets go at once instead, commits every
 * {@code auto-commit-interval} when records were delivered, and when the client closes the socket
 * normally (1000 or 1001). The member heartbeats every third of its session timeout while the
 * socket has room in its send buffer, so its session ends only with the socket, or when the
 * client reads so slowly that a frame takes longer than the session timeout to be written.
 *
 * <p>
 * Threading: {@link #maintain}, {@link #next} and {@link #awaitRecords} run on the pump, one at a
 * time; {@link #changed} on the session keeper; {@link #commit}, {@link #heard} and
 * {@link #ending} on the container's threads; {@link #close} on any thread. The listener's
 * callbacks only set a flag and wake the pump.
 */
final class SocketMember implements RecordSource, MemberListener {

	private static final Logger logger = LoggerFactory.getLogger(SocketMember.class);

	private final GroupCoordinator coordinator;

	private final FetchService fetch;

	private final RecordEncoder encoder;

	private final Connection connection;

	private final Time time;

	private final GroupSocketRequest request;

	private final long rebalanceTimeoutNanos;

	private final long autoCommitIntervalNanos;

	private final long heartbeatIntervalNanos;

	private volatile String memberId;

	/** Whether the pump should fetch the member's assignment and announce it if it changed. */
	private final AtomicBoolean stale = new AtomicBoolean(true);

	private volatile boolean removed;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** The assignment last sent to the client; null before the first. */
	private volatile MemberAssignment announced;

	/** When each announced revocation runs out, in {@link Time#nanoseconds()}. */
	private final Map<TopicPartition, Long> revocationDeadlines = new ConcurrentHashMap<>();

	private volatile long lastCallNanos;

	private volatile long lastAutoCommitNanos;

	/** Whether records were delivered since the last automatic commit. */
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
		this.rebalanceTimeoutNanos = settings.rebalanceTimeout().toNanos();
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
		MemberAssignment joined = coordinator.join(request.group(), request.member(), Transport.WEBSOCKET, member);
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
		List<TopicPartition> overdue = overdueRevocations(now);
		if (!overdue.isEmpty()) {
			logger.info("{} - Member {} was told to give up {} and neither committed nor sent a message within {} ms; "
					+ "they are released.", group(), this.memberId, overdue, this.rebalanceTimeoutNanos / 1_000_000);
			this.coordinator.release(group(), this.memberId, overdue);
			this.lastCallNanos = this.time.nanoseconds();
			refresh = true;
		}
		if (autoCommitDue(now)) {
			commitDelivered();
			refresh = true;
		}
		if (refresh) {
			MemberAssignment assignment = this.coordinator.heartbeat(group(), this.memberId);
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
		for (int i = 0; i < reads.size(); i++) {
			if (frame.written().get(i).records() > 0) {
				deliveries.add(new Delivery(reads.get(i).partition(), reads.get(i).fromOffset(),
						frame.written().get(i).nextOffset()));
			}
		}
		Delivered delivered = this.coordinator.deliver(group(), this.memberId, deliveries, true, null);
		this.lastCallNanos = this.time.nanoseconds();
		this.positions = delivered.positions();
		announce(delivered.assignment());
		if (frame == null || delivered.partitions().isEmpty()) {
			// Nothing to send, or the assignment changed under the read: read again from the new positions.
			return null;
		}
		this.uncommitted = true;
		return frame;
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
		return this.stale.get() || heartbeatDue(now) || revocationOverdue(now) || autoCommitDue(now);
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
	 * A {@code commit} message: commits, answers {@code committed}, and lets go of the partitions the
	 * member was told to give up.
	 * @throws CaudalException {@link ErrorCode#FENCED_MEMBER}, {@link ErrorCode#UNKNOWN_MEMBER},
	 * {@link ErrorCode#OFFSET_OUT_OF_RANGE} and the others of {@link GroupCoordinator#commit}
	 */
	void commit(ClientMessage.Commit commit) {
		List<PartitionOffset> committed = this.coordinator.commit(group(), this.memberId, commit.partitionOffsets(),
				commit.generation());
		this.lastCallNanos = this.time.nanoseconds();
		this.connection.send(new ServerMessage.Committed(committed));
		markStale();
	}

	/**
	 * The client sent a message after the revocations announced so far: it has heard of them, so the
	 * member lets go of those partitions. Never throws: a failed release is left to the rebalance
	 * timeout.
	 */
	void heard() {
		MemberAssignment told = this.announced;
		if (told == null || told.revoking().isEmpty() || this.closed.get()) {
			return;
		}
		try {
			this.coordinator.release(group(), this.memberId, told.revoking());
			this.lastCallNanos = this.time.nanoseconds();
		}
		catch (CaudalException ex) {
			logger.debug("{} - Member {} could not release {}: {}", group(), this.memberId, told.revoking(),
					ex.getMessage());
		}
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
			commitDelivered();
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

	@Override
	public boolean releasesExplicitly() {
		return true;
	}

	/**
	 * Sends the assignment if it differs from the last one sent, and starts the rebalance timeout of
	 * each new revocation. With {@code autoCommit} a revocation is committed and let go of first.
	 */
	private void announce(MemberAssignment answer) {
		MemberAssignment assignment = answer;
		if (this.request.autoCommit() && !assignment.revoking().isEmpty()) {
			// The commit lets go of every partition being revoked.
			commitDelivered();
			assignment = this.coordinator.heartbeat(group(), this.memberId);
			this.lastCallNanos = this.time.nanoseconds();
		}
		if (assignment.equals(this.announced)) {
			return;
		}
		long deadline = this.time.nanoseconds() + this.rebalanceTimeoutNanos;
		this.revocationDeadlines.keySet().retainAll(assignment.revoking());
		assignment.revoking().forEach(tp -> this.revocationDeadlines.putIfAbsent(tp, deadline));
		this.announced = assignment;
		this.connection.send(ServerMessage.Assignment.of(assignment));
	}

	private void commitDelivered() {
		this.uncommitted = false;
		this.lastAutoCommitNanos = this.time.nanoseconds();
		List<PartitionOffset> committed = this.coordinator.commit(group(), this.memberId, null, null);
		this.lastCallNanos = this.time.nanoseconds();
		logger.debug("{} - Member {} committed {} automatically.", group(), this.memberId, committed);
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

	private boolean revocationOverdue(long nowNanos) {
		for (long deadline : this.revocationDeadlines.values()) {
			if (nowNanos - deadline >= 0) {
				return true;
			}
		}
		return false;
	}

	private List<TopicPartition> overdueRevocations(long nowNanos) {
		List<TopicPartition> overdue = new ArrayList<>();
		this.revocationDeadlines.forEach((tp, deadline) -> {
			if (nowNanos - deadline >= 0) {
				overdue.add(tp);
			}
		});
		return overdue;
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
