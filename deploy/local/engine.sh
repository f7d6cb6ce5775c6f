#!/usr/bin/env bash
# A Docker engine for `make containers`, started only when none answers.
#
# Installs Debian's docker.io, docker-compose (1.29) and debootstrap when missing, then
# starts dockerd without touching the machine's network: no bridge, no iptables rules,
# no masquerading (containers use the host's network; deploy/local/compose.yml).
# Its log: /var/log/tiimi-dockerd.log.
set -euo pipefail

answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ((${#missing[@]})); then
  echo "engine: installing ${missing[*]} (Debian packages)"
  apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

if answers; then
  echo "engine: Docker $(docker version --format '{{.Server.Version}}') answers"
  exit 0
fi
echo "engine: starting dockerd (--iptables=false --ip-masq=false --bridge=none)"
setsid nohup dockerd --iptables=false --ip-masq=false --bridge=none >>/var/log/tiimi-dockerd.log 2>&1 </dev/null &
for _ in $(seq 60); do
  if answers; then
    echo "engine: Docker $(docker version --format '{{.Server.Version}}') answers"
    exit 0
  fi
  sleep 1
done
echo "engine: dockerd did not answer within 60 s; the end of /var/log/tiimi-dockerd.log:" >&2
tail -n 20 /var/log/tiimi-dockerd.log >&2
exit 1
