#!/usr/bin/env sh
# Renders the pre-warm window of one sale as a kustomize overlay on top of an overlay (production by
# default): a KEDA cron trigger on the order-processor's and ingest-api's ScaledObjects from
# 15 minutes before the sale's opensAt until an hour after it, in UTC. Apply it before the sale and
# re-apply the plain overlay after it, which drops the trigger again (docs/operations.md):
#
#   infra/k8s/prewarm.sh 2026-12-24T09:00:00Z /tmp/prewarm && kubectl apply -k /tmp/prewarm
#
# Usage: prewarm.sh OPENS_AT OUT_DIR [OVERLAY]   (OPENS_AT as the sale's opensAt, ISO-8601 with offset;
# needs GNU date and realpath). Replicas: 12 processors (the partitions of orders.requested), 30 ingest pods
# (its maxReplicaCount, the instance count its rate limits are divided by).
# Limits: a cron window repeats every year on the same date; the overlay is meant to live for one sale.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 OPENS_AT OUT_DIR [OVERLAY]" >&2; exit 2; }
opens_at=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
overlay=$(cd "${3:-$here/overlays/production}" && pwd)
processors=${SPILLWAY_PREWARM_PROCESSORS:-12}
# ingest at its maxReplicaCount, so that its rate limits (divided by that count) are exact.
ingest=${SPILLWAY_PREWARM_INGEST:-30}

opens=$(date -u -d "$opens_at" +%s 2>/dev/null) || { echo "prewarm: cannot read opensAt '$opens_at'" >&2; exit 2; }
# minute hour day-of-month month, then any weekday
cron() { date -u -d "@$1" '+%-M %-H %-d %-m *'; }
start=$(cron $((opens - 15 * 60)))
end=$(cron $((opens + 60 * 60)))

trigger() { # trigger DESIRED-REPLICAS
  printf '    - op: add\n      path: /spec/triggers/-\n      value:\n        type: cron\n        name: sale-prewarm\n'
  printf '        metadata:\n          timezone: Etc/UTC\n          start: "%s"\n          end: "%s"\n          desiredReplicas: "%s"\n' \
    "$start" "$end" "$1"
}

mkdir -p "$out"
# kustomize takes a base only as a relative path.
base=$(realpath --relative-to="$out" "$overlay")
{
  echo "# Pre-warm for the sale opening at $opens_at (rendered by infra/k8s/prewarm.sh)."
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "- $base"
  echo "patches:"
  echo "- target:"
  echo "    kind: ScaledObject"
  echo "    name: order-processor"
  echo "  patch: |-"
  trigger "$processors"
  echo "- target:"
  echo "    kind: ScaledObject"
  echo "    name: ingest-api"
  echo "  patch: |-"
  trigger "$ingest"
} > "$out/kustomization.yaml"
echo "prewarm: $out/kustomization.yaml: cron $start .. $end (UTC)" >&2
