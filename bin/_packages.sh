# shellcheck shell=bash
# Sourced by bin/demo, bin/test and .ci/run: install the Debian packages the portal needs
# from the system when they are missing. Pango, HarfBuzz's subsetter and the CJK fonts lay
# out the Chinese PDF notices (WeasyPrint); chromium runs the browser tests. Without root
# or sudo, say what is missing and go on: everything else works without them.

PORTAL_PACKAGES=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
PORTAL_TEST_PACKAGES=(chromium)

_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    return 1
  fi
}

ensure_packages() {
  local missing=() package
  command -v dpkg-query >/dev/null 2>&1 || {
    echo "note: not a Debian system; install Pango, HarfBuzz and Noto Sans CJK for PDF notices${*:+, and $*}." >&2
    return 0
  }
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends)
  # Refresh the package lists only when they are missing or too old to install from.
  if _as_root "${apt[@]}" "${missing[@]}" ||
    { _as_root env DEBIAN_FRONTEND=noninteractive apt-get update &&
      _as_root "${apt[@]}" "${missing[@]}"; }; then
    return 0
  fi
  echo "warning: could not install ${missing[*]} (needs root or sudo); PDF notices" \
    "and browser tests need them: apt-get install ${missing[*]}" >&2
  return 0
}
