#!/usr/bin/env bash
# A throwaway redis-server on a loopback port, its files in one directory (tests, benchmarks).
#
#   scripts/redis.sh start DIR [PORT]  start (or restart on the same port and data), print the URL
#   scripts/redis.sh stop DIR          graceful shutdown (the append-only file is flushed)
#   scripts/redis.sh kill DIR          SIGKILL, as in a crash (DIR and its data stay)
#   scripts/redis.sh url DIR           print the URL of the server in DIR
#   scripts/redis.sh cluster DIR       a Redis Cluster of three masters in DIR/node1..3 (each a
#                                      server as above, slots shared out), print node1's URL
#   scripts/redis.sh cluster-stop DIR  stop the three
#
# The server keeps an append-only file. With APPENDFSYNC=always (the default) every write is on
# disk before the client hears back, so a restart on the same DIR, even after `kill`, finds
# everything a client was told was stored; APPENDFSYNC=everysec (Redis's own default) is much
# faster and may lose the last second on a crash.
set -euo pipefail

die() { echo "redis.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 start|stop|kill|url|cluster|cluster-stop DIR [PORT]"
cmd=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
command -v redis-server >/dev/null || die "redis-server is not installed (run: scripts/setup.sh apt)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A cluster node's port: at most 55535, with its cluster bus port (+10000) free as well.
cluster_port() {
  python3 -c '
import random, socket
for _ in range(200):
    port = random.randint(20000, 45000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
    except OSError:
        continue
    print(port); break
else:
    raise SystemExit("no free port pair")'
}

running() { [ -f "$dir/redis.pid" ] && alive "$(cat "$dir/redis.pid")"; }

ping() { redis-cli -h 127.0.0.1 -p "$(cat "$dir/port")" ping 2>/dev/null | grep -q PONG; }

# Gone, or a zombie waiting for its (daemonized: foreign) parent to reap it.
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

wait_gone() {
  local pid=$1
  for _ in $(seq 200); do alive "$pid" || return 0; sleep 0.02; done
  die "redis-server (pid $pid) did not exit"
}

case "$cmd" in
  start)
    running && { echo "redis://127.0.0.1:$(cat "$dir/port")/0"; exit 0; }
    port=${3:-$(cat "$dir/port" 2>/dev/null || free_port)}
    echo "$port" >"$dir/port"
    cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
appendonly yes
appendfsync ${APPENDFSYNC:-always}
save ""
CONF
    if [ -n "${CLUSTER:-}" ]; then
      printf 'cluster-enabled yes\ncluster-config-file %s/nodes.conf\n' "$dir" >>"$dir/redis.conf"
    fi
    redis-server "$dir/redis.conf"
    for _ in $(seq 250); do ping && { echo "redis://127.0.0.1:$port/0"; exit 0; }; sleep 0.02; done
    tail -5 "$dir/redis.log" >&2 || true
    die "redis-server did not answer on 127.0.0.1:$port"
    ;;
  stop)
    running || exit 0
    pid=$(cat "$dir/redis.pid")
    redis-cli -h 127.0.0.1 -p "$(cat "$dir/port")" shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    wait_gone "$pid"
    ;;
  kill)
    running || exit 0
    pid=$(cat "$dir/redis.pid")
    kill -9 "$pid"
    wait_gone "$pid"
    rm -f "$dir/redis.pid"
    ;;
  url)
    [ -f "$dir/port" ] || die "no server in $dir"
    echo "redis://127.0.0.1:$(cat "$dir/port")/0"
    ;;
  cluster)
    nodes=()
    for i in 1 2 3; do
      port=$(cat "$dir/node$i/port" 2>/dev/null || cluster_port)
      url=$(CLUSTER=1 "$0" start "$dir/node$i" "$port")
      nodes+=("${url#redis://}")
    done
    nodes=("${nodes[@]%/0}")
    state() {  # 1 when the node at HOST:PORT says cluster_state:ok, else 0
      redis-cli -h 127.0.0.1 -p "${1##*:}" cluster info 2>/dev/null | tr -d '\r' \
        | grep -c '^cluster_state:ok$' || true
    }
    if [ "$(state "${nodes[0]}")" != 1 ]; then
      redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes \
        >"$dir/create.log" 2>&1 || { tail -5 "$dir/create.log" >&2; die "cluster create failed"; }
    fi
    for _ in $(seq 500); do
      ok=0
      for n in "${nodes[@]}"; do ok=$((ok + $(state "$n"))); done
      [ "$ok" = 3 ] && { echo "redis://${nodes[0]}/0"; exit 0; }
      sleep 0.02
    done
    die "the cluster in $dir did not reach cluster_state:ok"
    ;;
  cluster-stop)
    for i in 1 2 3; do "$0" stop "$dir/node$i"; done
    ;;
  *) die "unknown command: $cmd" ;;
esac
