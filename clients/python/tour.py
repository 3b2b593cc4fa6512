"""A tour of Caudal through the generated Python client (openapi-generator `python`, caudal_client).

Usage: python3 tour.py http://localhost:8080
"""
import sys
import time
import uuid

from caudal_client import (
    ApiClient, Configuration, ConsumerGroupsApi, RecordsApi, TopicsApi,
    CommitOffset, CommitRequest, Create, JoinRequest, Problem, Produce, ProducerRecord,
)
from caudal_client.exceptions import ApiException, NotFoundException

def check(ok, message):
    if not ok:
        print(f"FAILED: {message}")
        sys.exit(1)


def step(message):
    print(f"ok  {message}")


def main(base_url):
    client = ApiClient(Configuration(host=base_url.rstrip("/")))
    topics, records, groups = TopicsApi(client), RecordsApi(client), ConsumerGroupsApi(client)
    suffix = uuid.uuid4().hex[:8]  # others share the server
    topic, group = f"tour-{suffix}", f"tour-group-{suffix}"

    # Topic
    created = topics.create_topic_with_http_info(Create(name=topic, partitions=2))
    check(created.status_code == 201, f"create topic: status {created.status_code}, expected 201")
    location = created.headers.get("Location", "")
    check(location.endswith(f"/topics/{topic}"), f"create topic: Location {location!r}")
    check(created.data.partitions == 2, f"create topic: {created.data.partitions} partitions")
    step(f"created topic {topic} with 2 partitions (Location {location})")

    # Produce one record of each JSON type, plus a tombstone
    sent = [
        ProducerRecord(key="order-1", value={"amount": 10, "items": ["a", "b"]},
                       headers={"source": "web", "trace": "t-1"}),
        ProducerRecord(key="order-2", value=[1, "two", None, {"three": 3}]),
        ProducerRecord(key="order-3", value="plain string", headers={"source": "batch"}),
        ProducerRecord(key="order-4", value=12.5),
        ProducerRecord(key="order-1", value=None),  # tombstone
    ]
    produced = records.produce(topic, Produce(records=sent))
    check(len(produced.offsets) == len(sent), f"produce: {len(produced.offsets)} offsets for {len(sent)} records")
    next_offset = {0: 0, 1: 0}  # a fresh topic: each partition numbers from 0, in request order
    for position in produced.offsets:
        check(position.partition in next_offset, f"produce: partition {position.partition}")
        check(position.offset == next_offset[position.partition],
              f"produce: offset {position.offset} in partition {position.partition}, expected {next_offset[position.partition]}")
        next_offset[position.partition] += 1
    check(produced.offsets[0].partition == produced.offsets[4].partition, "produce: same key, different partitions")
    expected = {(p.partition, p.offset): r for p, r in zip(produced.offsets, sent)}
    step(f"produced {len(sent)} records: {', '.join(f'{p.partition}/{p.offset}' for p in produced.offsets)}")

    def check_record(got, where):
        want = expected.get((got.partition, got.offset))
        check(want is not None, f"{where}: unexpected record {got.partition}/{got.offset}")
        check(got.key == want.key, f"{where}: {got.partition}/{got.offset} key {got.key!r}, sent {want.key!r}")
        check(got.value == want.value and got.value_bytes is None,
              f"{where}: {got.partition}/{got.offset} value {got.value!r}, sent {want.value!r}")
        check(got.headers == (want.headers or {}),
              f"{where}: {got.partition}/{got.offset} headers {got.headers!r}, sent {want.headers!r}")

    # Fetch
    for partition in (0, 1):
        fetched = records.fetch(topic, partition, offset="earliest")
        for record in fetched.records:
            check_record(record, "fetch")
        check(len(fetched.records) == next_offset[partition] == fetched.end_offset == fetched.next_offset,
              f"fetch: partition {partition} gave {len(fetched.records)} records, endOffset {fetched.end_offset}")
        step(f"fetched partition {partition} from earliest: {len(fetched.records)} records as sent")

    # Consumer group: A joins, then B; polling moves one partition from A to B
    join = JoinRequest(topics=[topic], auto_offset_reset="earliest")
    members = {}
    for name in ("A", "B"):
        joined = groups.join_group_with_http_info(group, join)
        check(joined.status_code == 201, f"join {name}: status {joined.status_code}")
        members[name] = joined.data
        step(f"member {name} joined {group}: generation {joined.data.generation}, "
             f"assignment {[tp.partition for tp in joined.data.assignment]}")

    # The generation of the last answer read proves a member heard of a revocation.
    generation = {name: joined.generation for name, joined in members.items()}
    polled, received = {}, set()
    deadline = time.monotonic() + 30
    while received != expected.keys() or any(answer.revoking for answer in polled.values()):
        check(time.monotonic() < deadline, f"poll: only {sorted(received)} of {sorted(expected)} in 30 s")
        for name, joined in members.items():
            answer = groups.poll(group, joined.member_id, wait_ms=200, generation=generation[name])
            generation[name], polled[name] = answer.generation, answer
            for record in answer.records:
                check_record(record, f"poll {name}")
                received.add((record.partition, record.offset))
    owners = {tp.partition: name for name, answer in polled.items() for tp in answer.assignment}
    check(sorted(owners) == [0, 1] and len(set(owners.values())) == 2, f"poll: assignment {owners}")
    step(f"polled both members: all {len(received)} records; partition owners {owners}")

    # Commit: A with explicit offsets and its generation, B with no body (what it was delivered)
    a_offsets = [CommitOffset(topic=topic, partition=tp.partition, offset=next_offset[tp.partition])
                 for tp in polled["A"].assignment]
    committed = groups.commit(group, members["A"].member_id,
                              CommitRequest(offsets=a_offsets, generation=generation["A"]))
    check([(o.partition, o.offset) for o in committed.offsets] == [(o.partition, o.offset) for o in a_offsets],
          f"commit A: answered {committed.offsets}")
    step(f"A committed {[(o.partition, o.offset) for o in committed.offsets]} at generation {generation['A']}")
    committed = groups.commit(group, members["B"].member_id)
    b_partition = polled["B"].assignment[0].partition
    check([(o.partition, o.offset) for o in committed.offsets] == [(b_partition, next_offset[b_partition])],
          f"commit B: answered {committed.offsets}")
    step(f"B committed what it was delivered: {[(o.partition, o.offset) for o in committed.offsets]}")

    details = groups.describe_group(group)
    lags = {lag.partition: lag for lag in details.offsets if lag.topic == topic}
    check(sorted(lags) == [0, 1], f"describe group: partitions {sorted(lags)}")
    for partition, lag in lags.items():
        check(lag.committed_offset == lag.end_offset == next_offset[partition] and lag.lag == 0,
              f"describe group: partition {partition} committed {lag.committed_offset}, end {lag.end_offset}, lag {lag.lag}")
    step(f"group {details.state}, generation {details.generation}: lag 0 on both partitions")

    for name, joined in members.items():
        left = groups.leave_group_with_http_info(group, joined.member_id)
        check(left.status_code == 204, f"leave {name}: status {left.status_code}")
    step("both members left")

    # A typed error
    missing = f"no-such-topic-{suffix}"
    try:
        topics.describe_topic(missing)
        check(False, f"describe {missing}: no error")
    except NotFoundException as error:
        check(error.status == 404, f"describe {missing}: status {error.status}")
        problem = Problem.from_json(error.body)
        check(problem.code == "TOPIC_NOT_FOUND", f"describe {missing}: code {problem.code}")
        step(f"missing topic: {error.status} {problem.code}: {problem.detail}")

    # Tidy up: deleting the topic also drops the group's offsets, and with them the group
    deleted = topics.delete_topic_with_http_info(topic)
    check(deleted.status_code == 204, f"delete topic: status {deleted.status_code}")
    step(f"deleted topic {topic}")
    print("tour complete")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tour.py BASE_URL")
    try:
        main(sys.argv[1])
    except ApiException as error:
        print(f"FAILED: HTTP {error.status} {error.reason}: {error.body}")
        sys.exit(1)
    except ValueError as error:  # pydantic's ValidationError: an answer that does not fit its model
        print(f"FAILED: {type(error).__name__}: {error}")
        sys.exit(1)
