#!/usr/bin/env bash
# Installs facelock on Raspberry Pi OS Bookworm (arm64): Node 20 when missing, the Debian packages, the project in
# /opt/facelock, the facelock user, the key, a config, the systemd unit, and the strict_gpiod boot setting.
# Idempotent: every step checks first and says "ok" (nothing to do) or "changed" (or "would change" with --dry-run).
#
#   sudo scripts/install-pi.sh [--dry-run] [--yes] [--mqtt-broker HOST]
#
# FACELOCK_ROOT prefixes every system path (tests run the dry run against a scratch tree).
set -euo pipefail

DRY_RUN=0
ASSUME_YES=0
MQTT_BROKER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --yes) ASSUME_YES=1 ;;
    --mqtt-broker) MQTT_BROKER="${2:?--mqtt-broker needs a host}"; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install-pi.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

ROOT="${FACELOCK_ROOT:-}"
SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$ROOT/opt/facelock"
ETC="$ROOT/etc/facelock"
UNIT_DIR="$ROOT/etc/systemd/system"
BOOT_CONFIG="$ROOT/boot/firmware/config.txt"
PACKAGES=(gpiod ffmpeg rpicam-apps)
CHANGED=0

say() { printf '%-8s %s\n' "$1" "$2"; }
ok() { say ok "$1"; }
change() {
  # change DESCRIPTION COMMAND...: runs the command, or only says what it would do
  local what="$1"
  shift
  CHANGED=$((CHANGED + 1))
  if [ "$DRY_RUN" -eq 1 ]; then
    say would "$what"
  else
    "$@"
    say changed "$what"
  fi
}

# the system
arch="$(uname -m)"
# shellcheck source=/dev/null
codename="$( (. "$ROOT/etc/os-release" 2>/dev/null && echo "${VERSION_CODENAME:-unknown}") || echo unknown)"
if [ "$arch" != "aarch64" ] || [ "$codename" != "bookworm" ]; then
  if [ "$DRY_RUN" -eq 1 ]; then
    say note "this is $arch / $codename, not Raspberry Pi OS Bookworm arm64: a dry run shows the steps only"
  else
    echo "install-pi.sh: this is $arch / $codename; facelock installs on Raspberry Pi OS Bookworm arm64 (use --dry-run to see the steps)" >&2
    exit 1
  fi
fi
if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install-pi.sh: run it with sudo (it installs packages, a user and a service)" >&2
  exit 1
fi

# Node.js 20 or newer
node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)"
if [ -n "$node_major" ] && [ "$node_major" -ge 20 ]; then
  ok "Node.js $(node --version)"
else
  change "install Node.js 20 (NodeSource apt repository; Bookworm's own nodejs is 18)" \
    sh -c 'curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs'
fi

# Debian packages
missing=()
for p in "${PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then :; else missing+=("$p"); fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  ok "packages ${PACKAGES[*]}"
else
  change "install packages: ${missing[*]}" sh -c "apt-get update -qq && apt-get install -y ${missing[*]}"
fi

# the project
if [ -f "$PREFIX/dist/cli/facelock.js" ] && [ "$(git -C "$SRC" rev-parse HEAD 2>/dev/null || echo none)" = "$(cat "$PREFIX/.installed-commit" 2>/dev/null || echo)" ]; then
  ok "facelock in $PREFIX"
else
  change "install facelock from $SRC into $PREFIX (npm ci, build, prune)" sh -c "
    mkdir -p '$PREFIX' && cp -a '$SRC/.' '$PREFIX/' && cd '$PREFIX' && npm ci --no-audit --no-fund && npm run build &&
    npm prune --omit=dev && (git -C '$SRC' rev-parse HEAD > '$PREFIX/.installed-commit' || true)"
fi
if [ -L "$ROOT/usr/local/bin/facelock" ]; then
  ok "$ROOT/usr/local/bin/facelock"
else
  change "link $ROOT/usr/local/bin/facelock" ln -sf "$PREFIX/dist/cli/facelock.js" "$ROOT/usr/local/bin/facelock"
fi

# the user
if id facelock >/dev/null 2>&1; then
  ok "user facelock"
else
  change "create the system user facelock (groups gpio, video)" \
    useradd --system --home /var/lib/facelock --shell /usr/sbin/nologin --groups gpio,video facelock
fi

# the key and the config
if [ -f "$ETC/facelock.key" ]; then
  ok "key $ETC/facelock.key"
else
  change "create the template key $ETC/facelock.key (mode 0400)" \
    "$PREFIX/dist/cli/facelock.js" --key-file "$ETC/facelock.key" key init
fi
if [ -f "$ETC/config.yaml" ]; then
  ok "config $ETC/config.yaml"
else
  change "write $ETC/config.yaml (rpicam camera, relay on GPIO17)" sh -c "mkdir -p '$ETC' && chmod 0700 '$ETC' && cat > '$ETC/config.yaml' <<'YAML'
camera: { kind: rpicam, width: 640, height: 480, framerate: 15 }
lock: { driver: gpiod, line: GPIO17, unlockMs: 3000, maxUnlockMs: 10000 }
decision: { k: 3, n: 5 }
YAML"
fi

# the unit (and, with an MQTT broker elsewhere, a drop-in that lets the daemon reach it)
if cmp -s "$SRC/systemd/facelock.service" "$UNIT_DIR/facelock.service"; then
  ok "unit $UNIT_DIR/facelock.service"
else
  change "install the unit $UNIT_DIR/facelock.service and enable it" sh -c "
    mkdir -p '$UNIT_DIR' && cp '$SRC/systemd/facelock.service' '$UNIT_DIR/' &&
    if [ -z '$ROOT' ]; then systemctl daemon-reload && systemctl enable facelock; fi"
fi
if [ -n "$MQTT_BROKER" ]; then
  dropin="$UNIT_DIR/facelock.service.d/mqtt.conf"
  if grep -qs "IPAddressAllow=$MQTT_BROKER" "$dropin"; then
    ok "MQTT broker $MQTT_BROKER allowed"
  else
    change "allow the MQTT broker $MQTT_BROKER in $dropin" sh -c "mkdir -p '$(dirname "$dropin")' && printf '[Service]\nIPAddressAllow=%s\n' '$MQTT_BROKER' > '$dropin'"
  fi
fi

# strict_gpiod: without it a released GPIO line keeps driving its last value (a killed daemon could leave the door open)
if grep -qs '^dtparam=strict_gpiod' "$BOOT_CONFIG"; then
  ok "dtparam=strict_gpiod in $BOOT_CONFIG"
else
  say warn "dtparam=strict_gpiod is not set in $BOOT_CONFIG: a crashed daemon may leave the relay energised"
  answer=n
  if [ "$ASSUME_YES" -eq 1 ]; then
    answer=y
  elif [ "$DRY_RUN" -eq 0 ] && [ -t 0 ]; then
    read -r -p "add dtparam=strict_gpiod to $BOOT_CONFIG (takes effect after a reboot)? [y/N] " answer
  fi
  if [ "$DRY_RUN" -eq 1 ] || [ "$answer" = y ]; then
    change "add dtparam=strict_gpiod to $BOOT_CONFIG (reboot to apply)" sh -c "echo dtparam=strict_gpiod >> '$BOOT_CONFIG'"
  fi
fi

if [ "$DRY_RUN" -eq 1 ]; then
  echo "dry run: $CHANGED step(s) would change the system"
else
  echo "done: $CHANGED step(s) changed the system"
fi
