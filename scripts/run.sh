#!/usr/bin/env bash
# 启动主席团工作台（首次运行会自动准备环境）。Starts the desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ "$(uname)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "未检测到显示器，在虚拟屏幕（Xvfb）中启动；有桌面的电脑上会直接显示窗口。" >&2
  exec xvfb-run -a .venv/bin/python main.py "$@"
fi
exec .venv/bin/python main.py "$@"
