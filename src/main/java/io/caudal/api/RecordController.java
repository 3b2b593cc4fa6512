package io.caudal.api;

import java.io.InputStream;
import java.security.DigestInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.caudal.budget.ByteBudget;
import io.caudal.budget.MemoryBudgets;
import io.caudal.budget.Reservation;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.FetchPosition;
import io.caudal.topic.FetchService;
import io.caudal.security.AccessControl;
import io.caudal.security.CaudalPrincipal;
import io.caudal.security.AclOperation;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.QuotaCounted;
import io.caudal.security.Requires;
import io.caudal.security.ResourceType;
import io.caudal.topic.IdempotencyKeys;
import io.caudal.topic.ProduceRecord;
import io.caudal.topic.ProduceService;
import io.caudal.topic.RecordPosition;
import io.caudal.topic.TopicPartition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Records", description = "Produce records and fetch them by offset or time")
class RecordController {

	/**
	 * How long a produce may hold its request thread for its records to be stored: enough for an fsync shared by
	 * concurrent producers, after which the answer goes asynchronous and a slow disk holds no thread.
	 */
	private static final Duration PRODUCE_BLOCKING_WAIT = Duration.ofMillis(50);

	/** Shared with group polls, which take the same limits. */
	static final String MAX_RECORDS = "The most records to answer; lowered to the server cap (caudal.fetch.max-records)";

	static final String MAX_BYTES = "The most bytes of records to answer, though one record comes back even if it "
			+ "alone is larger; lowered to the server cap (caudal.fetch.max-bytes)";

	static final String WAIT_MS = "How long to wait for a first record when there is none, in ms; 0 answers at once. "
			+ "Lowered to the server cap (caudal.fetch.max-wait)";

	private final ProduceService produceService;

	private final FetchService fetchService;

	private final ProduceRequestReader reader;

	private final ByteBudget produceMemory;

	private final PrincipalSlots slots;

	RecordController(ProduceService produceService, FetchService fetchService, JsonMapper json,
			MemoryBudgets budgets, PrincipalSlots slots) {
		this.produceService = produceService;
		this.fetchService = fetchService;
		this.slots = slots;
		this.reader = new ProduceRequestReader(json);
		this.produceMemory = budgets.produce();
	}

	@PostMapping(path = "/topics/{topic}/records", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "produce", summary = "Produce records",
			description = "Appends records; each answer entry gives a record's partition, offset and timestamp, in "
					+ "request order. A keyed record goes to Kafka's partition for its key (murmur2), unkeyed records "
					+ "of one request go together to the next partition in rotation, `partition` forces one. The "
					+ "answer comes once the records are durable: fsynced when the topic's flush.ms is 0 (default). "
					+ "The request is checked whole first: a bad record means nothing is written. With an "
					+ "`Idempotency-Key`, a retry of the same body within `caudal.idempotency.window` answers the "
					+ "first answer again and writes nothing (or only the partitions' batches a cut-off try did not "
					+ "store); unkeyed records then go to a partition picked by the key.")
	@ApiResponse(responseCode = "200", description = "Stored")
	@ApiResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_IN_USE: a request with this key is in flight")
	@ApiResponse(responseCode = "422", description = "IDEMPOTENCY_KEY_REUSED: this key came with another body")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: the produce memory budget is full, or the "
			+ "server remembers as many idempotency keys as it may; see Retry-After")
	@ApiResponse(responseCode = "400", description = "Malformed request (INVALID_REQUEST)")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND or PARTITION_NOT_FOUND")
	@ApiResponse(responseCode = "413", description = "RECORD_TOO_LARGE or REQUEST_TOO_LARGE; nothing written")
	@ApiResponse(responseCode = "503", description = "STORAGE_ERROR: a write or fsync failed; nothing acknowledged")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = RecordRequests.Produce.class)))
	@Requires(value = AclOperation.WRITE, on = ResourceType.TOPIC, name = "topic")
	@QuotaCounted(QuotaCounted.Kind.PRODUCED)
	Answer<RecordResponses.Produced> produce(@Parameter(example = "orders") @PathVariable String topic,
			@Parameter(description = "Makes a retry safe: 1-255 visible ASCII characters, unique per request; a "
					+ "retry sends the same key and the same body bytes, e.g. order-4711-attempt-1",
					schema = @Schema(type = "string", pattern = "^[!-~]{1,255}$"))
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@Parameter(hidden = true) InputStream body) {
		checkIdempotencyKey(idempotencyKey);
		int maxMessageBytes = this.produceService.maxMessageBytes(topic);
		Reservation memory = this.produceMemory.startReservation();
		try {
			InputStream reserving = new ReservingInputStream(body, memory);
			DigestInputStream hashed = (idempotencyKey != null)
					? new DigestInputStream(reserving, IdempotencyKeys.sha256()) : null;
			List<ProduceRecord> records = checked(this.reader.read((hashed != null) ? hashed : reserving,
					maxMessageBytes));
			IdempotencyKeys.Request idempotency = null;
			if (hashed != null) {
				// The reader reads to the end of the body (it refuses anything after the JSON), so all of it is hashed.
				idempotency = IdempotencyKeys.Request.of(idempotencyScope(), idempotencyKey,
						hashed.getMessageDigest().digest());
			}
			CompletableFuture<List<RecordPosition>> stored = this.produceService.produce(topic, records, idempotency);
			stored.whenComplete((positions, failure) -> memory.release());
			return Answer.waitingUpTo(stored, RecordResponses.Produced::new, PRODUCE_BLOCKING_WAIT);
		}
		catch (RuntimeException ex) {
			memory.release();
			throw ex;
		}
	}

	/** The contract's key syntax: 1 to 255 visible ASCII characters. */
	/** Whose idempotency keys these are: the caller's, or everyone's when security is off. */
	private static String idempotencyScope() {
		CaudalPrincipal caller = AccessControl.caller();
		return (caller != CaudalPrincipal.ANONYMOUS) ? caller.toString() : null;
	}

	private static void checkIdempotencyKey(String key) {
		if (key == null) {
			return;
		}
		boolean visible = !key.isEmpty() && key.length() <= 255 && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
		if (!visible) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces); got " + key.length()
							+ " characters.");
		}
	}

	@GetMapping(path = "/topics/{topic}/partitions/{partition}/records", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "fetch", summary = "Fetch records from a partition",
			description = "Reads from `offset` (a number, `earliest` or `latest`) or from the first record at or "
					+ "after `timestamp`; neither means `latest`. At least one record comes back when one is "
					+ "available, even past maxBytes. With `waitMs` the answer comes as soon as a record arrives, "
					+ "or empty when the wait ends. Values above the server caps are lowered to them "
					+ "(defaults: 10000 records, 8 MiB, 30000 ms).")
	@ApiResponse(responseCode = "200", description = "Records, the next offset and the partition's bounds")
	@ApiResponse(responseCode = "400", description = "Bad parameters (INVALID_REQUEST)")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND or PARTITION_NOT_FOUND")
	@ApiResponse(responseCode = "416", description = "OFFSET_OUT_OF_RANGE, with startOffset and endOffset")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: the memory for answers stays full; see Retry-After")
	@Requires(value = AclOperation.READ, on = ResourceType.TOPIC, name = "topic")
	@QuotaCounted(QuotaCounted.Kind.CONSUMED)
	Answer<FetchAnswer> fetch(@Parameter(example = "orders") @PathVariable String topic,
			@Parameter(example = "0") @PathVariable int partition,
			@Parameter(description = "Where to read from: an offset, `earliest` or `latest`; give this or "
					+ "`timestamp`, not both (neither means `latest`)", example = "earliest",
					schema = @Schema(pattern = "^(earliest|latest|[0-9]+)$")) @RequestParam(
							required = false) String offset,
			@Parameter(description = "Epoch ms: read from the first record at or after it",
					schema = @Schema(type = "integer", format = "int64", minimum = "0")) @RequestParam(
							required = false) Long timestamp,
			@Parameter(description = MAX_RECORDS,
					schema = @Schema(type = "integer", format = "int32", minimum = "1", defaultValue = "500")) @RequestParam(
					defaultValue = "500") int maxRecords,
			@Parameter(description = MAX_BYTES,
					schema = @Schema(type = "integer", format = "int32", minimum = "1", defaultValue = "1048576")) @RequestParam(
					defaultValue = "1048576") int maxBytes,
			@Parameter(description = WAIT_MS,
					schema = @Schema(type = "integer", format = "int64", minimum = "0", defaultValue = "0")) @RequestParam(
					defaultValue = "0") long waitMs) {
		requireAtLeast("maxRecords", maxRecords, 1);
		requireAtLeast("maxBytes", maxBytes, 1);
		requireAtLeast("waitMs", waitMs, 0);
		FetchPosition from = position(offset, timestamp);
		return Answer.of(this.slots.waiting(AccessControl.caller(), waitMs,
				wait -> this.fetchService.fetch(topic, partition, from, maxRecords, maxBytes, wait)), FetchAnswer::new);
	}

	@GetMapping(path = "/topics/{topic}/partitions/{partition}/offsets", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "offsetForTimestamp", summary = "Find the offset for a point in time",
			description = "The first offset whose record timestamp is at or after `timestamp`, or the end offset "
					+ "when there is none.")
	@ApiResponse(responseCode = "200", description = "The offset")
	@ApiResponse(responseCode = "400", description = "INVALID_REQUEST: `timestamp` missing or negative")
	@ApiResponse(responseCode = "404", description = "TOPIC_NOT_FOUND or PARTITION_NOT_FOUND")
	@Requires(value = AclOperation.DESCRIBE, on = ResourceType.TOPIC, name = "topic")
	RecordResponses.Offset offsetForTimestamp(@Parameter(example = "orders") @PathVariable String topic,
			@Parameter(example = "0") @PathVariable int partition,
			@Parameter(description = "Epoch ms", example = "1764000000000",
					schema = @Schema(type = "integer", format = "int64", minimum = "0"))
			@RequestParam long timestamp) {
		requireAtLeast("timestamp", timestamp, 0);
		return new RecordResponses.Offset(
				this.fetchService.offsetForTimestamp(new TopicPartition(topic, partition), timestamp));
	}

	private static FetchPosition position(String offset, Long timestamp) {
		if (offset != null && timestamp != null) {
			throw invalid("Give 'offset' or 'timestamp', not both.");
		}
		if (timestamp != null) {
			requireAtLeast("timestamp", timestamp, 0);
			return new FetchPosition.AtTimestamp(timestamp);
		}
		if (offset == null || offset.equals("latest")) {
			return new FetchPosition.Latest();
		}
		if (offset.equals("earliest")) {
			return new FetchPosition.Earliest();
		}
		try {
			return new FetchPosition.AtOffset(Long.parseLong(offset));
		}
		catch (NumberFormatException ex) {
			throw invalid("Parameter 'offset' must be a whole number, 'earliest' or 'latest', not '" + offset + "'.");
		}
	}

	private static List<ProduceRecord> checked(List<ProduceRecord> records) {
		if (records == null || records.isEmpty()) {
			throw invalid("Field 'records' must hold at least one record.");
		}
		for (int i = 0; i < records.size(); i++) {
			if (records.get(i) == null) {
				throw invalid("Record " + i + " is null.");
			}
		}
		return records;
	}

	private static void requireAtLeast(String name, long value, long min) {
		if (value < min) {
			throw invalid("Parameter '" + name + "' must be at least " + min + ", not " + value + ".");
		}
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

}
