package io.caudal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Caudal's settings, prefix {@code caudal}; the README's settings table lists each with its
 * default and unit.
 *
 * @param storage where records live: {@code files} (the default) in {@code dataDir}, or {@code kafka} in the Kafka
 * cluster that {@code spring.kafka.*} names
 * @param dataDir where partitions and, by default, the H2 database live
 * @param maxPartitions the most partitions one topic may have
 * @param maxPartitionsTotal the most partitions of all topics together
 * @param maxOpenFiles the most partition files (segments and their indexes) kept open at once; files are opened when
 * read or written and closed when idle, so this bounds descriptors whatever the number of partitions and segments
 * @param maxRequestSize the largest request body accepted; larger ones are answered 413
 * @param logWriterThreads threads that write and fsync partitions (each partition uses one)
 * @param retentionCheckInterval how often retention looks for segments to delete
 * @param produce the limits of produce requests
 * @param fetch the caps applied to fetch requests
 * @param cors the origins allowed to call from a browser
 * @param websocket the limits of the WebSocket endpoints
 * @param sse the limits of the event streams
 * @param idempotency how long and how many retry-safe produce keys are remembered
 * @param security who may call, and what each caller may do
 * @param kafka how the Kafka engine uses its cluster
 * @param metricSeries how many of Caudal's meters this node keeps a recent history of
 */
@ConfigurationProperties("caudal")
public record CaudalProperties(@DefaultValue("files") StorageEngine storage, @DefaultValue("./data") Path dataDir,
		@DefaultValue("1000") int maxPartitions, @DefaultValue("10000") int maxPartitionsTotal,
		@DefaultValue("1000") int maxOpenFiles, @DefaultValue("16MB") DataSize maxRequestSize,
		@DefaultValue("2") int logWriterThreads,
		@DefaultValue("1m") Duration retentionCheckInterval,
		@DefaultValue Produce produce, @DefaultValue Fetch fetch, @DefaultValue Cors cors,
		@DefaultValue Websocket websocket, @DefaultValue Sse sse, @DefaultValue Idempotency idempotency,
		@DefaultValue Security security, @DefaultValue Kafka kafka, @DefaultValue MetricSeries metricSeries) {

	/** The storage engines {@code caudal.storage} may name. */
	public enum StorageEngine {

		/** Partitions as segment files under {@code caudal.data-dir}, topic metadata in the database. */
		FILES,

		/** Topics and records in an Apache Kafka cluster. */
		KAFKA

	}

	/**
	 * The history behind {@code GET /metrics/series}: every meter whose name starts with {@code caudal.}, sampled
	 * every second for the last 15 minutes, at 3.6 KB per meter.
	 * @param maxMeters the most meters kept; meters beyond them are not sampled (a warning says so once)
	 */
	public record MetricSeries(@DefaultValue("2000") int maxMeters) {
	}

	/**
	 * Limits of produce requests.
	 * @param maxBufferedBytes the most memory the produce requests being read and stored may hold together, counted
	 * as twice their bodies' bytes (the values read, then the batch built); past it a produce is refused (429
	 * {@code RESOURCE_LIMIT}). Default: an eighth of the heap
	 */
	public record Produce(DataSize maxBufferedBytes) {
	}

	/**
	 * The Kafka engine ({@code caudal.storage=kafka}); the cluster and its security are Spring Boot's
	 * {@code spring.kafka.bootstrap-servers}, {@code spring.kafka.security.protocol} and
	 * {@code spring.kafka.properties.*}.
	 * @param readers consumers this node reads partitions with; reads beyond them wait their turn
	 * @param timeout how long a call to the cluster may take before the request is answered 503
	 * @param topicRefresh how often this node reads the cluster's topics again, to see changes made elsewhere
	 * @param mirrorGroupOffsets whether committed offsets are also written to Kafka's {@code __consumer_offsets}, so
	 * that Kafka's tools show Caudal's groups
	 * @param mirrorGroupPrefix put before a group's name in Kafka
	 */
	public record Kafka(@DefaultValue("4") int readers, @DefaultValue("10s") Duration timeout,
			@DefaultValue("10s") Duration topicRefresh, @DefaultValue("false") boolean mirrorGroupOffsets,
			@DefaultValue("") String mirrorGroupPrefix) {
	}

	/**
	 * Retry-safe produce ({@code Idempotency-Key}).
	 * @param window how long a key is remembered after its first request
	 * @param maxKeys the most keys remembered at once, over all topics; past it a new key is refused (429)
	 */
	public record Idempotency(@DefaultValue("24h") Duration window, @DefaultValue("100000") int maxKeys) {
	}

	/**
	 * Caps on what one fetch may ask for; larger values are lowered to these.
	 * @param maxRecords the most records in one answer
	 * @param maxBytes the most record bytes in one answer (one record may exceed it)
	 * @param maxWait the longest a long poll waits
	 * @param maxWaitingPolls the most long polls waiting at once; past it a poll answers at once
	 * @param maxBufferedBytes the most record bytes that fetch and poll answers being read and written may hold
	 * together; past it an answer carries fewer records, and one that finds none free waits briefly, then is
	 * refused (429 {@code RESOURCE_LIMIT}). Default: an eighth of the heap
	 */
	public record Fetch(@DefaultValue("10000") int maxRecords, @DefaultValue("8MB") DataSize maxBytes,
			@DefaultValue("30s") Duration maxWait, @DefaultValue("10000") int maxWaitingPolls,
			DataSize maxBufferedBytes) {
	}

	/** @param allowedOrigins browser origins allowed beyond the same origin, for REST and WebSocket alike */
	public record Cors(@DefaultValue List<String> allowedOrigins) {
	}

	/**
	 * Limits of the WebSocket endpoints. Every socket costs at most about {@code sendBufferSize}
	 * of memory however slowly its client reads.
	 * @param maxSessions the most sockets open at once; a socket past it is closed at once (1013)
	 * @param sendBufferSize the most JSON text waiting to be written to one socket, in characters
	 * (bytes for ASCII); records are read from the log only while there is room
	 * @param sendTimeLimit the longest one frame may take to be written; a client that reads no
	 * faster is closed (4500)
	 * @param pingInterval how often each socket is pinged; a socket that has not answered a ping
	 * (or sent anything) by the next one is closed (4500)
	 * @param maxMessageSize the largest text message a client may send; a larger one closes its
	 * socket (1009). The container keeps a buffer of this size for every open socket.
	 * @param allowedOriginPatterns browser origins that may open sockets, besides the same origin
	 * and {@code caudal.cors.allowed-origins}; none by default. For a page served by a development
	 * server on this machine: {@code http://localhost:[*]}
	 * @param rebalanceTimeout how long a group socket may keep a partition it was told to give up
	 * when its client neither commits it nor sends any other message; the partition then goes
	 * to its new owner
	 * @param autoCommitInterval how often a group socket with {@code autoCommit=true} commits the
	 * offsets delivered to it
	 * @param maxBufferedBytes the most bytes of frames all sockets together may have waiting to be written; a socket
	 * reads no records while they are taken. Default: an eighth of the heap
	 */
	public record Websocket(@DefaultValue("1000") int maxSessions, @DefaultValue("1MB") DataSize sendBufferSize,
			@DefaultValue("10s") Duration sendTimeLimit, @DefaultValue("20s") Duration pingInterval,
			@DefaultValue("16KB") DataSize maxMessageSize,
			@DefaultValue List<String> allowedOriginPatterns,
			@DefaultValue("5s") Duration rebalanceTimeout, @DefaultValue("5s") Duration autoCommitInterval,
			DataSize maxBufferedBytes) {
	}

	/**
	 * Limits of the Server-Sent Events streams ({@code /topics/{topic}/events}). A stream holds at most one event
	 * that its client has not yet read, so it costs at most about {@code maxEventSize} however slowly the client
	 * reads.
	 * @param maxStreams the most streams open at once; past it a new one is refused (429 {@code RESOURCE_LIMIT})
	 * @param maxEventSize the most bytes of records in one event, as encoded (one larger record still goes out alone)
	 * @param keepAliveInterval how often an idle stream gets a comment line, so proxies keep it open and a client
	 * that went away is noticed
	 * @param sendTimeLimit the longest an event may wait to be written; a client that reads no faster is dropped
	 * @param maxBufferedBytes the most bytes of events all streams together may have waiting to be written; a stream
	 * reads no records while they are taken. Default: an eighth of the heap
	 */
	public record Sse(@DefaultValue("1000") int maxStreams, @DefaultValue("256KB") DataSize maxEventSize,
			@DefaultValue("15s") Duration keepAliveInterval, @DefaultValue("30s") Duration sendTimeLimit,
			DataSize maxBufferedBytes) {
	}

	/**
	 * Authentication, Kafka-style ACLs and quotas. Off by default: every caller is trusted.
	 * @param enabled whether every call needs an identity and is checked against the ACLs
	 * @param publicDocs whether the OpenAPI document and Swagger UI stay open to callers without an identity
	 * @param adminKey an API key of the principal {@code key:admin}, a super-user (env
	 * {@code CAUDAL_SECURITY_ADMIN_KEY}); it must start with {@code cdl_}
	 * @param superUsers typed principals ({@code key:ops,cert:deployer}) that bypass the ACLs; {@code key:admin}
	 * always is one
	 * @param jwt how JWT bearer tokens name their principal
	 * @param maxPrincipals the most key principals
	 * @param maxKeysPerPrincipal the most API keys one principal may hold
	 * @param maxAcls the most ACLs
	 * @param rightsCheckInterval how often open sockets and streams are checked against their ACLs, besides at once
	 * after every ACL or key change
	 * @param maxSocketsPerPrincipal the most sockets one principal may hold open; past it a socket is closed (1008,
	 * {@code RESOURCE_LIMIT})
	 * @param maxStreamsPerPrincipal the most event streams one principal may hold open; past it a stream is refused
	 * (429 {@code RESOURCE_LIMIT})
	 * @param maxWaitingPollsPerPrincipal the most long polls of one principal that may wait at once; past it a poll
	 * answers at once
	 * @param maxSessions the most browser sessions (POST /session) alive at once, server-wide; past it 429
	 * {@code RESOURCE_LIMIT}. Sessions end after {@code server.servlet.session.timeout} idle (30 minutes)
	 * @param syncInterval how often a node looks in the database for keys, ACLs and quotas changed by other nodes
	 * sharing it
	 * @param maxMembersPerPrincipal the most HTTP group members one principal may have, over all groups and every
	 * node sharing the database; past it a join is refused (429 {@code RESOURCE_LIMIT}). Socket members count as
	 * sockets
	 */
	public record Security(@DefaultValue("false") boolean enabled, @DefaultValue("true") boolean publicDocs,
			String adminKey, @DefaultValue List<String> superUsers, @DefaultValue Jwt jwt,
			@DefaultValue("10000") int maxPrincipals, @DefaultValue("100") int maxKeysPerPrincipal,
			@DefaultValue("10000") int maxAcls, @DefaultValue("5s") Duration rightsCheckInterval,
			@DefaultValue("100") int maxSocketsPerPrincipal, @DefaultValue("100") int maxStreamsPerPrincipal,
			@DefaultValue("100") int maxWaitingPollsPerPrincipal,
			@DefaultValue("100") int maxMembersPerPrincipal, @DefaultValue("10000") int maxSessions,
			@DefaultValue("2s") Duration syncInterval) {

		/** @param principalClaim the claim whose value names a token's principal ({@code jwt:<value>}) */
		public record Jwt(@DefaultValue("sub") String principalClaim) {
		}

	}

}
