# shellcheck shell=bash
# Sourced by bin/demo, bin/test and .ci/run: make sure the virtual environment
# ${PORTAL_VENV:-.venv} exists and holds the portal installed for the current pyproject.toml,
# then put it first on PATH. A stamp with the hash of pyproject.toml saves reinstalling.

_portal_python() {
  local candidate
  for candidate in python3.11 python3; do
    # pyenv and similar put shims on PATH that fail when the version is not installed.
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: the portal needs Python 3.11 or newer (as python3.11 or python3 on PATH)." >&2
  return 1
}

ensure_venv() {
  local venv="${PORTAL_VENV:-.venv}" python stamp wanted
  [[ $venv == /* ]] || venv="$PWD/$venv"
  if [[ ! -x $venv/bin/python ]]; then
    python=$(_portal_python)
    echo "Creating the virtual environment $venv with $python" >&2
    "$python" -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: $venv has a Python older than 3.11; remove it and run again." >&2
    return 1
  fi
  stamp="$venv/.portal-pyproject-sha256"
  wanted=$("$venv/bin/python" -c \
    'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
  if [[ ! -f $stamp || $(<"$stamp") != "$wanted" ]]; then
    echo "Installing the portal and its test tools into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
    echo "$wanted" >"$stamp"
  fi
  export VIRTUAL_ENV="$venv"
  export PATH="$venv/bin:$PATH"
}
