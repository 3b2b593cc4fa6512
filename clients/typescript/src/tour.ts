// A tour of Caudal's HTTP API through the types generated from its OpenAPI document.
// Usage: npm run tour -- http://localhost:8080
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/caudal.js";

type ProducerRecord = components["schemas"]["ProducerRecord"];
type ConsumerRecord = components["schemas"]["ConsumerRecord"];
type TopicPartition = components["schemas"]["TopicPartition"];
type CommitOffset = components["schemas"]["CommitOffset"];

function fail(message: string): never {
  console.error(`FAILED: ${message}`);
  process.exit(1);
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

function step(message: string): void {
  console.log(`ok  ${message}`);
}

/** The typed body of an openapi-fetch result, or a failure unless the server answered `status`. */
function expectData<D>(what: string, result: { data?: D; error?: unknown; response: Response }, status: number): D {
  const { data, error, response } = result;
  if (response.status !== status || data === undefined) {
    fail(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(error ?? data)}`);
  }
  return data;
}

function expectNoContent(what: string, result: { error?: unknown; response: Response }): void {
  if (result.response.status !== 204) {
    fail(`${what}: expected 204, got ${result.response.status} ${JSON.stringify(result.error)}`);
  }
}

/** Location may be absolute or relative, so compare only its path. */
function checkLocation(what: string, response: Response, path: string): void {
  const location = response.headers.get("Location");
  check(location !== null, `${what}: no Location header`);
  check(new URL(location, response.url).pathname === path, `${what}: Location ${location}, expected ${path}`);
}

const partitions = (tps: TopicPartition[]): string => `[${tps.map((tp) => tp.partition).sort((x, y) => x - y).join(",")}]`;

// A refused connection or a body that is not JSON throws instead of answering.
process.on("uncaughtException", (error) => {
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  fail(`${error.message}${cause}`);
});

const baseUrl = process.argv[2] ?? fail("usage: npm run tour -- <base URL>, e.g. http://localhost:8080");
const client = createClient<paths>({ baseUrl });
const suffix = randomUUID().slice(0, 8);
const topic = `tour-${suffix}`;
const group = `tour-group-${suffix}`;

// 1. A topic with two partitions.
const created = await client.POST("/topics", { body: { name: topic, partitions: 2 } });
const description = expectData("create topic", created, 201);
check(description.name === topic && description.partitionInfo.length === 2, `create topic: ${JSON.stringify(description)}`);
checkLocation("create topic", created.response, `/topics/${topic}`);
step(`created topic ${topic} with ${description.partitions} partitions, Location ${created.response.headers.get("Location")}`);

// 2. Keyed records with values of every JSON kind; the last one is order-1's tombstone.
const sent: ProducerRecord[] = [
  { key: "order-1", value: { id: 1, items: ["tea", "milk"], paid: true }, headers: { source: "tour", "trace-id": suffix } },
  { key: "order-2", value: [1, "two", { three: 3 }, null] },
  { key: "order-3", value: "a plain string" },
  { key: "order-4", value: 42.5, headers: { source: "tour" } },
  { key: "order-1", value: null },
];
const produced = expectData(
  "produce",
  await client.POST("/topics/{topic}/records", { params: { path: { topic } }, body: { records: sent } }),
  200,
);
check(produced.offsets.length === sent.length, `produce: ${produced.offsets.length} offsets for ${sent.length} records`);
// A new topic numbers each partition's records from 0, in request order.
const produceCount = [0, 0];
for (const position of produced.offsets) {
  const expected = produceCount[position.partition]++;
  check(position.offset === expected, `produce: offset ${position.offset} in partition ${position.partition}, expected ${expected}`);
}
check(produced.offsets[0].partition === produced.offsets[4].partition, "produce: the tombstone left its key's partition");
check(produceCount.every((n) => n > 0), `produce: all records went to one partition ${JSON.stringify(produced.offsets)}`);
step(`produced ${sent.length} records: ${produceCount[0]} to partition 0, ${produceCount[1]} to partition 1`);

/** Fails unless `record` is the one sent at `index` of the produce request. */
function checkRecord(what: string, record: ConsumerRecord, index: number): void {
  const original = sent[index];
  const where = `${what}: ${topic}-${record.partition}@${record.offset}`;
  check(record.key === original.key, `${where} key ${record.key}, sent ${original.key}`);
  check(isDeepStrictEqual(record.value, original.value), `${where} value ${JSON.stringify(record.value)}, sent ${JSON.stringify(original.value)}`);
  check(isDeepStrictEqual(record.headers, original.headers ?? {}), `${where} headers ${JSON.stringify(record.headers)}`);
}

/** The index in `sent` of the record stored at partition/offset. */
function sentIndex(partition: number, offset: number): number {
  const index = produced.offsets.findIndex((p) => p.partition === partition && p.offset === offset);
  check(index >= 0, `${topic}-${partition}@${offset} was never produced`);
  return index;
}

// 3. Read each partition from its start, as often as it takes to reach its end.
for (const partition of [0, 1]) {
  const records: ConsumerRecord[] = [];
  let offset = "earliest";
  for (;;) {
    const fetched = expectData(
      `fetch partition ${partition}`,
      await client.GET("/topics/{topic}/partitions/{partition}/records", { params: { path: { topic, partition }, query: { offset } } }),
      200,
    );
    records.push(...fetched.records);
    if (fetched.nextOffset >= fetched.endOffset) break;
    offset = String(fetched.nextOffset);
  }
  check(records.length === produceCount[partition], `fetch partition ${partition}: ${records.length} records, produced ${produceCount[partition]}`);
  for (const record of records) checkRecord("fetch", record, sentIndex(partition, record.offset));
  step(`fetched partition ${partition} from earliest: ${records.length} records equal to what was sent`);
}

// 4. A consumer group of two members sharing the two partitions.
interface Member {
  name: string;
  id: string;
  generation: number;
  assignment: TopicPartition[];
  revoking: TopicPartition[];
  delivered: Map<number, number>; // partition -> the offset after the last record delivered
}

async function join(name: string): Promise<Member> {
  const answer = await client.POST("/groups/{group}/members", {
    params: { path: { group } },
    body: { topics: [topic], autoOffsetReset: "earliest" },
  });
  const joined = expectData(`${name} joins`, answer, 201);
  checkLocation(`${name} joins`, answer.response, `/groups/${group}/members/${joined.memberId}`);
  step(`${name} joined ${group}: generation ${joined.generation}, assignment ${partitions(joined.assignment)}`);
  const { memberId: id, generation, assignment, revoking } = joined;
  return { name, id, generation, assignment, revoking, delivered: new Map() };
}

const received = new Set<string>(); // partition@offset of every record the group was delivered

// Sending the generation of the last answer read is what lets a revoked partition move on.
async function poll(member: Member): Promise<void> {
  const polled = expectData(
    `${member.name} polls`,
    await client.GET("/groups/{group}/members/{member}/records", {
      params: { path: { group, member: member.id }, query: { waitMs: 200, generation: member.generation } },
    }),
    200,
  );
  member.generation = polled.generation;
  member.assignment = polled.assignment;
  member.revoking = polled.revoking;
  for (const record of polled.records) {
    check(record.topic === topic, `${member.name} polled a record of ${record.topic}`);
    checkRecord(`${member.name} polls`, record, sentIndex(record.partition, record.offset));
    received.add(`${record.partition}@${record.offset}`);
    member.delivered.set(record.partition, record.offset + 1);
  }
  const revoking = polled.revoking.length > 0 ? `, revoking ${partitions(polled.revoking)}` : "";
  step(`${member.name} polled: generation ${polled.generation}, assignment ${partitions(polled.assignment)}${revoking}, ${polled.records.length} records`);
}

const a = await join("member A");
const b = await join("member B");
const settled = (): boolean =>
  received.size === sent.length &&
  a.revoking.length === 0 &&
  b.revoking.length === 0 &&
  partitions([...a.assignment, ...b.assignment]) === "[0,1]";
const deadline = Date.now() + 30_000;
while (!settled()) {
  check(Date.now() < deadline, `group: not settled after 30 s, received ${received.size} of ${sent.length} records`);
  await poll(a);
  await poll(b);
}
step(`group received all ${received.size} records; A owns ${partitions(a.assignment)}, B owns ${partitions(b.assignment)}`);

// A commits explicit offsets, B what was delivered to it.
const explicit: CommitOffset[] = a.assignment.map(({ partition }) => ({
  topic,
  partition,
  offset: a.delivered.get(partition) ?? fail(`member A was delivered nothing from partition ${partition}`),
}));
const committedA = expectData(
  "member A commits",
  await client.POST("/groups/{group}/members/{member}/commit", {
    params: { path: { group, member: a.id } },
    body: { offsets: explicit, generation: a.generation },
  }),
  200,
);
check(isDeepStrictEqual(committedA.offsets, explicit), `member A commits: answered ${JSON.stringify(committedA.offsets)}`);
step(`member A committed ${JSON.stringify(explicit.map(({ partition, offset }) => ({ partition, offset })))} at generation ${a.generation}`);

const committedB = expectData(
  "member B commits",
  await client.POST("/groups/{group}/members/{member}/commit", { params: { path: { group, member: b.id } } }),
  200,
);
for (const { partition } of b.assignment) {
  const offset = committedB.offsets.find((o) => o.partition === partition)?.offset;
  check(offset === b.delivered.get(partition), `member B commits: partition ${partition} at ${offset}, delivered up to ${b.delivered.get(partition)}`);
}
step(`member B committed what it was delivered: ${JSON.stringify(committedB.offsets.map(({ partition, offset }) => ({ partition, offset })))}`);

const details = expectData("describe group", await client.GET("/groups/{group}", { params: { path: { group } } }), 200);
check(details.members.length === 2, `describe group: ${details.members.length} members`);
for (const partition of [0, 1]) {
  const lag = details.offsets.find((o) => o.topic === topic && o.partition === partition);
  check(lag !== undefined, `describe group: no offsets for partition ${partition}`);
  check(
    lag.committedOffset === lag.endOffset && lag.endOffset === produceCount[partition] && lag.lag === 0,
    `describe group: partition ${partition} ${JSON.stringify(lag)}`,
  );
}
step(`group ${group} is ${details.state} at generation ${details.generation}, lag 0 on both partitions`);

for (const member of [a, b]) {
  expectNoContent(
    `${member.name} leaves`,
    await client.DELETE("/groups/{group}/members/{member}", { params: { path: { group, member: member.id } } }),
  );
  step(`${member.name} left`);
}

// 5. Errors are typed problem details; deleting the topic (and with it the group's offsets) provides one.
expectNoContent("delete topic", await client.DELETE("/topics/{topic}", { params: { path: { topic } } }));
step(`deleted topic ${topic}`);
const missing = await client.GET("/topics/{topic}", { params: { path: { topic } } });
const contentType = missing.response.headers.get("Content-Type") ?? "";
check(missing.response.status === 404, `get deleted topic: expected 404, got ${missing.response.status}`);
check(contentType.startsWith("application/problem+json"), `get deleted topic: content type ${contentType}`);
check(missing.error?.code === "TOPIC_NOT_FOUND", `get deleted topic: ${JSON.stringify(missing.error)}`);
step(`get deleted topic: ${missing.response.status} ${contentType}, code ${missing.error.code}: ${missing.error.detail}`);

console.log("tour complete");
