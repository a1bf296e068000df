#!/usr/bin/env bash
# The benchmark (see bench/run.py): `bench/run.sh` for the full run, `--smoke` for CI.
exec python3 "$(dirname "$0")/run.py" "$@"
