#!/usr/bin/env bash
# kafka-init: creates the contract topics (TOPIC_SPECS in libs/contracts/src/topics.ts) on a fresh broker and
# grows their partitions on an older one. The compose one-shot runs it on every `up`; re-running is safe.
#
#   BOOTSTRAP_SERVER    host:port of the broker's internal listener
#   TOPICS              whitespace-separated name:partitions pairs
#   REPLICATION_FACTOR  default 1 (a single broker)
#   KAFKA_BIN           where kafka-topics.sh lives; default /opt/kafka/bin (the apache/kafka image)
set -euo pipefail

: "${BOOTSTRAP_SERVER:?BOOTSTRAP_SERVER is required}"
: "${TOPICS:?TOPICS is required: whitespace-separated name:partitions pairs}"
kafka_bin="${KAFKA_BIN:-/opt/kafka/bin}"
replication="${REPLICATION_FACTOR:-1}"

kafka_topics() {
  "${kafka_bin}/kafka-topics.sh" --bootstrap-server "${BOOTSTRAP_SERVER}" "$@"
}

for spec in ${TOPICS}; do
  name="${spec%:*}"
  partitions="${spec##*:}"
  if [[ ! "${name}" =~ ^[A-Za-z0-9._-]+$ || ! "${partitions}" =~ ^[1-9][0-9]*$ ]]; then
    echo "kafka-init: bad topic spec '${spec}', expected name:partitions" >&2
    exit 2
  fi

  kafka_topics --create --if-not-exists --topic "${name}" --partitions "${partitions}" --replication-factor "${replication}"

  current="$(kafka_topics --describe --topic "${name}" | sed -n 's/.*PartitionCount: *\([0-9][0-9]*\).*/\1/p')"
  if [[ ! "${current}" =~ ^[0-9]+$ ]]; then
    echo "kafka-init: could not read the partition count of ${name}" >&2
    exit 1
  fi
  if ((current < partitions)); then
    # Keyed topics re-map keys to partitions after this: per-key order holds only for messages produced after it.
    echo "kafka-init: ${name} has ${current} partitions, growing it to ${partitions}"
    kafka_topics --alter --topic "${name}" --partitions "${partitions}"
  elif ((current > partitions)); then
    echo "kafka-init: warning: ${name} has ${current} partitions, more than the ${partitions} declared; Kafka cannot shrink a topic" >&2
  fi
done

echo "kafka-init: contract topics ready"
