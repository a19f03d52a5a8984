#!/usr/bin/env bash
# Installs facelock on Raspberry Pi OS Trixie or Bookworm (arm64): Node 20 when missing, the Debian packages, the
# project in /opt/facelock, the facelock user, the key, a config the service user can read (root:facelock 0640 in a
# root:facelock 0750 folder), the systemd unit, and the strict_gpiod boot setting.
# Idempotent: every step checks first and says "ok" (nothing to do) or "changed" (or "would change" with --dry-run).
#
#   sudo scripts/install-pi.sh [--dry-run] [--yes] [--mqtt-broker ADDRESS_OR_HOST]
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
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
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
if [ "$arch" != "aarch64" ] || { [ "$codename" != "trixie" ] && [ "$codename" != "bookworm" ]; }; then
  if [ "$DRY_RUN" -eq 1 ]; then
    say note "this is $arch / $codename, not Raspberry Pi OS Trixie or Bookworm arm64: a dry run shows the steps only"
  else
    echo "install-pi.sh: this is $arch / $codename; facelock installs on Raspberry Pi OS Trixie or Bookworm arm64 (use --dry-run to see the steps)" >&2
    exit 1
  fi
fi

# the MQTT broker, for the drop-in that lets the daemon reach it: systemd's IPAddressAllow= takes addresses and
# prefixes only (a host name there is ignored), so a name is resolved now, and nothing else is ever put in the file
broker_addresses=()
if [ -n "$MQTT_BROKER" ]; then
  if [[ "$MQTT_BROKER" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}(/[0-9]{1,2})?$ ]] || [[ "$MQTT_BROKER" =~ ^[0-9A-Fa-f:]+:[0-9A-Fa-f:]*(/[0-9]{1,3})?$ ]]; then
    broker_addresses=("$MQTT_BROKER")
  elif [[ "$MQTT_BROKER" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$ ]]; then
    mapfile -t broker_addresses < <(getent ahosts "$MQTT_BROKER" 2>/dev/null | awk '{print $1}' | sort -u)
    if [ "${#broker_addresses[@]}" -eq 0 ]; then
      echo "install-pi.sh: the MQTT broker $MQTT_BROKER does not resolve; give its IP address (systemd allows addresses, not names)" >&2
      exit 2
    fi
    say note "MQTT broker $MQTT_BROKER is ${broker_addresses[*]}: if its address changes, run this again (systemd allows addresses, not names)"
  else
    echo "install-pi.sh: --mqtt-broker takes an IP address, a prefix (192.168.1.0/24) or a host name, not '$MQTT_BROKER'" >&2
    exit 2
  fi
fi
if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install-pi.sh: run it with sudo (it installs packages, a user and a service)" >&2
  exit 1
fi

# Node.js 20 or newer: Trixie's own nodejs is 20.19; Bookworm's is 18, so there the NodeSource apt repository is added
# as a signed source (its key in /etc/apt/keyrings, named by signed-by=), and apt checks every package against it
NODESOURCE_KEY="$ROOT/etc/apt/keyrings/nodesource.gpg"
NODESOURCE_LIST="$ROOT/etc/apt/sources.list.d/nodesource.list"
install_node_debian() { apt-get update -qq && apt-get install -y nodejs npm; }
install_node_nodesource() {
  apt-get update -qq && apt-get install -y ca-certificates curl gnupg
  install -d -m 0755 "$(dirname "$NODESOURCE_KEY")"
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o "$NODESOURCE_KEY"
  chmod 0644 "$NODESOURCE_KEY"
  gpg --show-keys --with-fingerprint "$NODESOURCE_KEY" | sed 's/^/         nodesource key: /'
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main" > "$NODESOURCE_LIST"
  apt-get update -qq && apt-get install -y nodejs
}
node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)"
if [ -n "$node_major" ] && [ "$node_major" -ge 20 ]; then
  ok "Node.js $(node --version)"
elif [ "$codename" = "bookworm" ]; then
  change "install Node.js 20 from the NodeSource apt repository, signed (key $NODESOURCE_KEY; Bookworm's own nodejs is 18)" \
    install_node_nodesource
else
  change "install Node.js from Debian (apt-get install nodejs npm: $codename's nodejs is 20 or newer)" install_node_debian
fi

# Debian packages
missing=()
for p in "${PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then :; else missing+=("$p"); fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  ok "packages ${PACKAGES[*]}"
else
  install_packages() { apt-get update -qq && apt-get install -y "$@"; }
  change "install packages: ${missing[*]}" install_packages "${missing[@]}"
fi

# the project
if [ -f "$PREFIX/dist/cli/facelock.js" ] && [ "$(git -C "$SRC" rev-parse HEAD 2>/dev/null || echo none)" = "$(cat "$PREFIX/.installed-commit" 2>/dev/null || echo)" ]; then
  ok "facelock in $PREFIX"
else
  install_project() {
    mkdir -p "$PREFIX" && cp -a "$SRC/." "$PREFIX/" &&
      (cd "$PREFIX" && npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev) &&
      { git -C "$SRC" rev-parse HEAD > "$PREFIX/.installed-commit" || true; }
  }
  change "install facelock from $SRC into $PREFIX (npm ci, build, prune)" install_project
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
write_config() {
  mkdir -p "$ETC" && chmod 0750 "$ETC"
  (umask 0027 && cat > "$ETC/config.yaml" <<'YAML'
camera: { kind: rpicam, width: 640, height: 480, framerate: 15 }
lock: { driver: gpiod, line: GPIO17, unlockMs: 3000, maxUnlockMs: 10000 }
decision: { k: 3, n: 5 }
YAML
  )
}
if [ -f "$ETC/config.yaml" ]; then
  ok "config $ETC/config.yaml"
else
  change "write $ETC/config.yaml (rpicam camera, relay on GPIO17)" write_config
fi
# the service runs as facelock and reads its config through the group; the key stays root's alone (0400): systemd
# hands it to the service as a credential (LoadCredential=), and no one else may read or change any of them
fix_access() {
  chown root:facelock "$ETC" && chmod 0750 "$ETC"
  for f in "$ETC"/*; do
    [ -f "$f" ] || continue
    if [ "$f" = "$ETC/facelock.key" ]; then chown root:root "$f" && chmod 0400 "$f"; else chown root:facelock "$f" && chmod 0640 "$f"; fi
  done
}
access_ok=1
if [ ! -d "$ETC" ] || [ "$(stat -c '%U:%G %a' "$ETC")" != "root:facelock 750" ]; then access_ok=0; fi
for f in "$ETC"/*; do
  [ -f "$f" ] || continue
  want="root:facelock 640"
  [ "$f" = "$ETC/facelock.key" ] && want="root:root 400"
  [ "$(stat -c '%U:%G %a' "$f")" = "$want" ] || access_ok=0
done
if [ "$access_ok" -eq 1 ]; then
  ok "$ETC readable by the service user facelock only (root:facelock 0750, files 0640, key root 0400)"
else
  change "give $ETC to the service user: root:facelock 0750, files 0640, the key root 0400" fix_access
fi

# the unit (and, with an MQTT broker elsewhere, a drop-in that lets the daemon reach it)
if cmp -s "$SRC/systemd/facelock.service" "$UNIT_DIR/facelock.service"; then
  ok "unit $UNIT_DIR/facelock.service"
else
  install_unit() {
    mkdir -p "$UNIT_DIR" && cp "$SRC/systemd/facelock.service" "$UNIT_DIR/" &&
      if [ -z "$ROOT" ]; then systemctl daemon-reload && systemctl enable facelock; fi
  }
  change "install the unit $UNIT_DIR/facelock.service and enable it" install_unit
fi
if [ "${#broker_addresses[@]}" -gt 0 ]; then
  dropin="$UNIT_DIR/facelock.service.d/mqtt.conf"
  wanted="$(printf '[Service]\nIPAddressAllow=%s\n' "${broker_addresses[*]}")"
  write_dropin() { mkdir -p "$(dirname "$dropin")" && printf '%s\n' "$wanted" > "$dropin"; }
  if [ "$(cat "$dropin" 2>/dev/null)" = "$wanted" ]; then
    ok "MQTT broker ${broker_addresses[*]} allowed"
  else
    change "allow the MQTT broker ${broker_addresses[*]} in $dropin" write_dropin
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
    add_strict_gpiod() { echo dtparam=strict_gpiod >> "$BOOT_CONFIG"; }
    change "add dtparam=strict_gpiod to $BOOT_CONFIG (reboot to apply)" add_strict_gpiod
  fi
fi

if [ "$DRY_RUN" -eq 1 ]; then
  echo "dry run: $CHANGED step(s) would change the system"
else
  echo "done: $CHANGED step(s) changed the system"
fi
