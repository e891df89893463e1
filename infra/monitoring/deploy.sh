#!/usr/bin/env bash
# Deploys the monitoring defined in this folder (docs/operations.md): the log-based metrics
# (metrics/*.json, one file per metric, named as the metric), then the dashboard and the alert
# policies that read them. Each is updated if it exists, else created, so running it again after a
# change updates in place. Run by cloudbuild.yaml's `monitoring` step; by hand:
#   infra/monitoring/deploy.sh PROJECT_ID
set -euo pipefail
project="${1:?usage: deploy.sh PROJECT_ID}"
here="$(cd "$(dirname "$0")" && pwd)"

for file in "$here"/metrics/*.json; do
  name="$(basename "$file" .json)"
  if gcloud logging metrics describe "$name" --project="$project" >/dev/null 2>&1; then
    gcloud logging metrics update "$name" --project="$project" --config-from-file="$file" >/dev/null
  else
    gcloud logging metrics create "$name" --project="$project" --config-from-file="$file" >/dev/null
  fi
  echo "metric $name"
done

# Dashboards and policies get ids from the API: found again by their display name.
display_name() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["displayName"])' "$1"; }

dashboard="$here/dashboard.json"
existing="$(gcloud monitoring dashboards list --project="$project" --filter="displayName=\"$(display_name "$dashboard")\"" --format='value(name)' | head -n 1)"
if [ -n "$existing" ]; then
  gcloud monitoring dashboards update "$existing" --project="$project" --config-from-file="$dashboard" >/dev/null
else
  gcloud monitoring dashboards create --project="$project" --config-from-file="$dashboard" >/dev/null
fi
echo "dashboard $(display_name "$dashboard")"

for file in "$here"/alerts/*.json; do
  title="$(display_name "$file")"
  existing="$(gcloud alpha monitoring policies list --project="$project" --filter="displayName=\"$title\"" --format='value(name)' | head -n 1)"
  if [ -n "$existing" ]; then
    gcloud alpha monitoring policies update "$existing" --project="$project" --policy-from-file="$file" >/dev/null
  else
    gcloud alpha monitoring policies create --project="$project" --policy-from-file="$file" >/dev/null
  fi
  echo "alert policy $title"
done
