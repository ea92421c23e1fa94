#!/usr/bin/env bash
# Installs (once) and starts Request Tracker 5 on loopback for the Request Tracker tests and the sandbox:
# Debian's packages with SQLite, RT's standalone server, the hitl scrip, an API user with a token and an agent.
# Fast when everything is already there. Not root or not Debian: says what is missing, writes that reason for the
# tests (which then skip with it) and exits 0.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RT_PORT="${RT_PORT:-8075}"
# The scrip posts to this loopback address; whoever runs the integration locally (tests, sandbox) listens on it.
RT_WEBHOOK_PORT="${RT_WEBHOOK_PORT:-8076}"
STATE_DIR="${RT_STATE_DIR:-/var/lib/hitl-rt}"
ENV_FILE="${RT_ENV_FILE:-$ROOT/.cache/request-tracker.json}"
RT_QUEUE="${RT_QUEUE:-Botpress}"
RT_NAME="hitl.test"
SITE_CONFIG=/etc/request-tracker5/RT_SiteConfig.d/60-hitl-local.pm
SCRIP_CONFIG=/etc/request-tracker5/RT_SiteConfig.d/61-hitl-webhook.pm
PACKAGES=(request-tracker5 rt5-db-sqlite rt5-standalone)

mkdir -p "$(dirname "$ENV_FILE")" 2>/dev/null || true

skip() {
  echo "Request Tracker tests will be skipped: $1" >&2
  { printf '{"skip":%s}\n' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/')" >"$ENV_FILE"; } 2>/dev/null ||
    echo "(could not write $ENV_FILE; without it the tests say the same)" >&2
  exit 0
}

[ "$(uname -s)" = "Linux" ] && [ -f /etc/debian_version ] || skip "not Debian (Request Tracker 5 is installed from Debian's packages)"
[ "$(id -u)" = "0" ] || skip "not root (run scripts/ensure-request-tracker.sh as root to install and start Request Tracker 5)"
command -v apt-get >/dev/null || skip "apt-get is missing"

installed() {
  local p
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || return 1
  done
}

if ! installed; then
  echo "Installing Request Tracker 5 (SQLite, standalone server); this takes about 2 minutes…"
  debconf-set-selections <<SEL
request-tracker5 request-tracker5/initial-root-password password $(head -c 18 /dev/urandom | base64)
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/rtname string $RT_NAME
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:$RT_PORT
request-tracker5 request-tracker5/install-cronjobs boolean false
SEL
  apt-get update -qq || skip "apt-get update failed (no package archive?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >"/tmp/hitl-rt-install.log" 2>&1 ||
    skip "apt-get install ${PACKAGES[*]} failed; see /tmp/hitl-rt-install.log"
fi

RT_LIB=/usr/share/request-tracker5/lib
export RT_URL="http://127.0.0.1:$RT_PORT"
export WEBHOOK_URL="http://127.0.0.1:$RT_WEBHOOK_PORT/rt-webhook"
SCRIP_FILE="$ROOT/src/helpdesks/request-tracker/rt-side/hitl-scrip.pl"
API_USER=botpress-hitl
AGENT=grace
mkdir -p "$STATE_DIR"
chmod 700 "$STATE_DIR"

# What the server was started with; a change (or a new scrip) means a restart.
SECRET_FILE="$STATE_DIR/webhook-secret"
[ -s "$SECRET_FILE" ] || (umask 077; echo "whsec_$(head -c 32 /dev/urandom | base64)" >"$SECRET_FILE")
export SECRET="$(cat "$SECRET_FILE")" SECRET_FILE STATE_DIR RT_WEBHOOK_PORT
[ -s "$STATE_DIR/agent-password" ] || (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$STATE_DIR/agent-password")
AGENT_PASSWORD="$(cat "$STATE_DIR/agent-password")"

write_if_changed() { # file content: true when the file changed
  if [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; then return 1; fi
  (umask 027; printf '%s\n' "$2" >"$1"); chgrp www-data "$1" 2>/dev/null || true
}
changed=0
write_if_changed "$SITE_CONFIG" "# Local RT for the hitl integration's tests and sandbox (scripts/ensure-request-tracker.sh).
Set(\$WebPath, '');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $RT_PORT);
Set(\$WebBaseURL, '$RT_URL');
Set(\$MailCommand, 'testfile');
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, 'error');
# Every REST2 call checks its token with bcrypt; a low cost keeps the local tests quick (keep the default elsewhere).
Set(\$BcryptCost, 4);
1;" && changed=1
write_if_changed "$SCRIP_CONFIG" "# The hitl scrip's settings (docs/helpdesks/request-tracker.md).
Set(\$HitlWebhookUrl, '$WEBHOOK_URL');
Set(\$HitlWebhookSecret, '$SECRET');
Set(\$HitlApiUser, '$API_USER');
1;" && changed=1

rt_perl() { local code="$1"; shift; perl -I"$RT_LIB" -MRT -e 'RT::LoadConfig(); RT::Init();' -e "$code" "$@"; }

# The scrip and its custom field, once (inserting the datafile twice would duplicate them); when the datafile changed
# since, the installed scrip takes its new code.
SCRIP_STAMP="$(sha256sum "$SCRIP_FILE" | cut -d' ' -f1)"
if [ "$(cat "$STATE_DIR/scrip.sha256" 2>/dev/null)" != "$SCRIP_STAMP" ]; then
  if ! rt_perl '
      our (@Scrips); do $ARGV[0] or die "$ARGV[0]: $@ $!";
      my $s = RT::Scrip->new(RT->SystemUser);
      $s->LoadByCols(Description => $Scrips[0]{Description});
      exit 1 unless $s->id;
      for my $field (qw(CustomIsApplicableCode CustomPrepareCode CustomCommitCode)) {
        next if $s->$field eq $Scrips[0]{$field};
        my $set = "Set$field"; my ($ok, $msg) = $s->$set($Scrips[0]{$field}); die "$field: $msg\n" unless $ok;
      }' "$SCRIP_FILE" 2>"$STATE_DIR/scrip-update.log"; then
    grep -q . "$STATE_DIR/scrip-update.log" && grep -v '^\[' "$STATE_DIR/scrip-update.log" >&2 || true
    echo "Installing the hitl scrip into Request Tracker…"
    rt-setup-database --action insert --datafile "$SCRIP_FILE" --skip-create >"$STATE_DIR/scrip-install.log" 2>&1 ||
      { cat "$STATE_DIR/scrip-install.log" >&2; exit 1; }
  fi
  echo "$SCRIP_STAMP" >"$STATE_DIR/scrip.sha256"
  changed=1
fi

running() { [ -s "$STATE_DIR/rt-server.pid" ] && kill -0 "$(cat "$STATE_DIR/rt-server.pid")" 2>/dev/null; }
answers() { # url [auth header]: true on a 2xx
  perl -MLWP::UserAgent -e 'my $ua = LWP::UserAgent->new(timeout => 3); my $r = $ua->get($ARGV[0], $ARGV[1] ? (Authorization => $ARGV[1]) : ()); exit($r->is_success ? 0 : 1)' "$@"
}

# What the tests and the sandbox read: RT's URL, the token, the agent, where the scrip posts and with which secret.
write_env() {
  (umask 077; perl -MJSON -0ne '
    my $setup = decode_json($_);
    print JSON->new->canonical->pretty->encode({ %$setup, url => $ENV{RT_URL}, webhookUrl => $ENV{WEBHOOK_URL},
      webhookPort => 0 + $ENV{RT_WEBHOOK_PORT}, webhookSecret => $ENV{SECRET}, webhookSecretFile => $ENV{SECRET_FILE},
      pidFile => "$ENV{STATE_DIR}/rt-server.pid", log => "$ENV{STATE_DIR}/rt-server.log" });
  ' "$STATE_DIR/setup.json" >"$ENV_FILE")
}

# Fast path: running with this configuration and the token of the last setup still accepted.
if [ "$changed" = 0 ] && [ -s "$ENV_FILE" ] && [ -s "$STATE_DIR/setup.json" ] && running &&
   answers "$RT_URL/REST/2.0/rt" "token $(perl -MJSON -0ne 'print decode_json($_)->{token}' "$STATE_DIR/setup.json")"; then
  write_env
  exit 0
fi

perl "$ROOT/scripts/request-tracker-local-setup.pl" Botpress "$API_USER" "$AGENT" "$AGENT_PASSWORD" >"$STATE_DIR/setup.json.new"
mv "$STATE_DIR/setup.json.new" "$STATE_DIR/setup.json"
chmod 600 "$STATE_DIR/setup.json"

if running && [ "$changed" = 1 ]; then
  # rt-server reads its configuration and scrips at start: stop it (its own process group) to start it anew.
  kill -TERM -- "-$(cat "$STATE_DIR/rt-server.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do running || break; sleep 0.2; done
  running && kill -KILL -- "-$(cat "$STATE_DIR/rt-server.pid")" 2>/dev/null || true
  sleep 0.2
fi
if ! running; then
  echo "Starting Request Tracker on $RT_URL (log: $STATE_DIR/rt-server.log)…"
  # Two workers: enough for the tests and the sandbox, a fifth of the default memory.
  setsid nohup /usr/share/request-tracker5/libexec/rt-server --host 127.0.0.1 --port "$RT_PORT" --max-workers 2 \
    >"$STATE_DIR/rt-server.log" 2>&1 </dev/null &
  echo $! >"$STATE_DIR/rt-server.pid"
fi

TOKEN="$(perl -MJSON -0ne 'print decode_json($_)->{token}' "$STATE_DIR/setup.json")"
for _ in $(seq 1 120); do
  answers "$RT_URL/REST/2.0/rt" "token $TOKEN" && break
  running || { tail -20 "$STATE_DIR/rt-server.log" >&2; exit 1; }
  sleep 0.5
done
answers "$RT_URL/REST/2.0/rt" "token $TOKEN" || { echo "Request Tracker did not answer on $RT_URL" >&2; exit 1; }
# A worker's first calls load much of RT: warm both workers so that the first test does not pay for it.
warming=()
for _ in 1 2 3 4; do answers "$RT_URL/REST/2.0/queue/Botpress" "token $TOKEN" & warming+=($!); done
wait "${warming[@]}" || true # only these: a bare `wait` would wait for rt-server itself

write_env
echo "Request Tracker is ready on $RT_URL (settings for the tests: $ENV_FILE)"
