#!/usr/bin/env bash
# 运行全部测试（首次运行会自动准备环境）。Runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
