"""The QApplication's look, set once for the app, the screenshots tool and the tests: names, a
Chinese-capable font, Qt's own Chinese texts (OK/Cancel, copy/paste menus) and the style sheet."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from presidium_app.storage.paths import RESOURCES_DIR

APP_TITLE = "主席团工作台"
ORGANISATION = "PresidiumDesk"

# Fonts that hold the Chinese characters, best first: Windows, macOS, domestic Linux, Debian.
PREFERRED_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "HarmonyOS Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimSun",
)

STYLE_SHEET = RESOURCES_DIR / "styles" / "app.qss"
APP_ICON = RESOURCES_DIR / "icons" / "app.svg"

FUSION_SET = "presidiumFusionSet"
_translators: list[QTranslator] = []  # kept alive as long as the application


def pick_font_family(available: list[str]) -> str | None:
    """The first preferred Chinese family that is installed (None: let Qt fall back)."""
    present = {name.lower(): name for name in available}
    for family in PREFERRED_FAMILIES:
        if family.lower() in present:
            return present[family.lower()]
    return None


def ui_font() -> QFont:
    font = QFont(QApplication.font())
    family = pick_font_family(QFontDatabase.families())
    if family:
        font.setFamilies([family, *PREFERRED_FAMILIES])
    font.setPointSizeF(10 if sys.platform != "darwin" else 13)
    return font


def _install_qt_translations(app: QApplication) -> None:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)


def configure_application(app: QApplication) -> None:
    """Names, Fusion style (the same on Windows and Linux), font, translations, style sheet.

    Calling it again changes only what differs: setting the style or the style sheet re-polishes
    every widget alive, which costs a moment per thousand widgets."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if not app.property(FUSION_SET):  # (with a style sheet on, the style no longer tells its name)
        app.setStyle("Fusion")
        app.setProperty(FUSION_SET, True)
    font = ui_font()
    if app.font() != font:
        app.setFont(font)
    if not _translators:
        _install_qt_translations(app)
    if APP_ICON.exists() and app.windowIcon().isNull():
        app.setWindowIcon(QIcon(str(APP_ICON)))
    if STYLE_SHEET.exists():
        sheet = STYLE_SHEET.read_text(encoding="utf-8")
        if app.styleSheet() != sheet:
            app.setStyleSheet(sheet)


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created and configured if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    return app
