#!/usr/bin/env bash
# Build a wheel, install it into a throwaway venv, open a store and load the rule sets.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q . 2>&1 | grep -v "^WARNING: Location" || true
cd "$tmp"
"$tmp/venv/bin/python" - <<'PY'
from pathlib import Path
import tempfile
import app.store.migrate as m
assert "site-packages" in str(m.MIGRATIONS_DIR), m.MIGRATIONS_DIR
from app.store.database import open_store
s = open_store(Path(tempfile.mkdtemp()))
from app.core.deadlines import BASELINE_RULE_SETS  # the rule files travel too
assert len(BASELINE_RULE_SETS) == 3, BASELINE_RULE_SETS
from app.core.hot_words import case_words  # the word lists travel too (issue 15)
assert "预付卡" in case_words("", "商家跑路，预付卡退费难", ""), "hot-word lists missing"
print("wheel OK: store opened at", s.path, "with migrations from", m.MIGRATIONS_DIR)
PY
