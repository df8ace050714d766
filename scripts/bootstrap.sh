#!/usr/bin/env bash
# Prepare this checkout to run: Debian packages for Qt and Chinese fonts (when missing), a
# virtual environment in .venv, and the project installed into it. Safe to run again: each step
# is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libxcb-xkb1
      libxcb-render-util0 libxcb-image0 libxcb-shape0 libxcb-randr0 libegl1 libgl1
      libfontconfig1 libdbus-1-3
      fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-lxgw-wenkai
      poppler-utils xvfb xauth)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "== 安装系统软件包：${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
      echo "== 安装系统软件包（需要管理员密码）：${missing[*]}"
      sudo apt-get update -qq
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "提示：缺少系统软件包 ${missing[*]}，界面或中文字体可能无法正常显示" >&2
    fi
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "== 安装 Python 依赖（首次需要几分钟）"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install -q -e ".[test,postgres]" 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c "import PySide6, sqlalchemy, alembic, openpyxl, pypinyin, reportlab, pytestqt"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
