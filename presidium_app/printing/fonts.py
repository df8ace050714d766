"""Fonts by role (PRINTING.md): found on the machine, registered with reportlab, embedded as subsets.

Each role (title, body, heading1, heading2) has an ordered list of candidates. A candidate is found
by its file name (fast: simfang.ttf) or by the family names written inside the font (仿宋_GB2312,
FangSong, AR PL UMing CN), read with reportlab's own TrueType parser. Only TrueType outlines can be
embedded by reportlab: `.ttf`, and `.ttc` with a subfont index; CFF `.otf` fonts are skipped. A font
whose OS/2 fsType forbids embedding (restricted licence, no subsetting, bitmap only) is skipped and
the report says so. When a role finds none of its candidates it borrows another role's font; when
the machine has no usable Chinese TrueType font at all, every role uses reportlab's built-in CID
font STSong-Light, which is not embedded (the PDF viewer supplies a font), and the report says so.

Fonts are resolved once per process (`resolve_fonts` is cached); `font_report` gives one line per
role for 设置 and the log.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontParser

from presidium_app import collector

log = logging.getLogger(__name__)

ROLES = ("title", "body", "heading1", "heading2")
ROLE_LABELS = {"title": "标题", "body": "正文", "heading1": "一级标题（黑体）",
               "heading2": "二级标题（楷体）"}
CID_FONT = "STSong-Light"
# A Chinese TrueType font is large; smaller files are not read for their names (Latin fonts).
MIN_CJK_FONT_BYTES = 1_000_000
MAX_SUBFONTS = 16

# fsType bits (OpenType OS/2): 0x0002 restricted licence, 0x0100 no subsetting, 0x0200 bitmap only.
FS_RESTRICTED, FS_PREVIEW_PRINT, FS_EDITABLE, FS_NO_SUBSET, FS_BITMAP_ONLY = 0x2, 0x4, 0x8, 0x100, 0x200


@dataclass(frozen=True)
class Candidate:
    """One font a role may use: its usual file names and the family names it carries inside."""

    label: str
    files: tuple[str, ...] = ()
    families: tuple[str, ...] = ()


_XIAOBIAOSONG = Candidate("方正小标宋简体", ("FZXBSJW.TTF", "FZXBSK.TTF", "方正小标宋简体.ttf"),
                          ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05"))
_ZHONGSONG = Candidate("华文中宋", ("STZHONGS.TTF",), ("华文中宋", "STZhongsong"))
_HEITI = Candidate("黑体", ("simhei.ttf",), ("黑体", "SimHei"))
_ZENHEI = Candidate("文泉驿正黑", ("wqy-zenhei.ttc",), ("WenQuanYi Zen Hei", "文泉驿正黑"))
_FANGSONG_GB = Candidate("仿宋_GB2312", ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "SIMFANG_GB2312.TTF"),
                         ("仿宋_GB2312", "FangSong_GB2312"))
_FANGSONG = Candidate("仿宋", ("simfang.ttf",), ("仿宋", "FangSong"))
_SONGTI = Candidate("宋体", ("simsun.ttc", "simsun.ttf"), ("宋体", "SimSun"))
_UMING = Candidate("AR PL UMing", ("uming.ttc",), ("AR PL UMing CN", "AR PL UMing"))
_KAITI_GB = Candidate("楷体_GB2312", ("楷体_GB2312.ttf", "KAITI_GB2312.TTF", "SIMKAI_GB2312.TTF"),
                      ("楷体_GB2312", "KaiTi_GB2312"))
_KAITI = Candidate("楷体", ("simkai.ttf",), ("楷体", "KaiTi"))
_UKAI = Candidate("AR PL UKai", ("ukai.ttc",), ("AR PL UKai CN", "AR PL UKai"))
_WENKAI = Candidate("霞鹜文楷", ("LXGWWenKai-Regular.ttf",), ("LXGW WenKai", "霞鹜文楷"))

CANDIDATES: dict[str, tuple[Candidate, ...]] = {
    "title": (_XIAOBIAOSONG, _ZHONGSONG, _HEITI, _ZENHEI),
    "body": (_FANGSONG_GB, _FANGSONG, _SONGTI, _UMING),
    "heading1": (_HEITI, _ZENHEI),
    "heading2": (_KAITI_GB, _KAITI, _UKAI, _WENKAI),
}
# A role that finds none of its own candidates borrows, in this order.
BORROW_ORDER = ("body", "heading2", "title", "heading1")


@dataclass(frozen=True)
class FontFace:
    """One face in a font file: where, which subfont, its family names, whether it may be embedded."""

    path: Path
    subfont: int
    families: tuple[str, ...]
    fs_type: int

    @property
    def embedding_refused(self) -> str:
        """Why the licence flags forbid embedding this face, or ''."""
        if self.fs_type & FS_BITMAP_ONLY:
            return "字体许可仅允许嵌入位图"
        if self.fs_type & FS_NO_SUBSET:
            return "字体许可不允许子集嵌入"
        if self.fs_type & 0x000F == FS_RESTRICTED:
            return "字体许可禁止嵌入"
        return ""


@dataclass(frozen=True)
class FontChoice:
    """The font a role uses: `font_name` is registered with reportlab."""

    role: str
    font_name: str
    label: str
    path: Path | None
    subfont: int
    embedded: bool
    note: str = ""

    @property
    def description(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}" + (f"（第{self.subfont}号子字体）" if self.subfont else "")
        how = "嵌入（子集）" if self.embedded else "未嵌入，由阅读软件提供字体，打印效果因电脑而异"
        text = f"{ROLE_LABELS[self.role]}：{self.label}" + (f"，{where}" if where else "") + f"，{how}"
        return text + (f"。{self.note}" if self.note else "")


@dataclass(frozen=True)
class FontSet:
    """The resolved fonts of every role, and what was skipped on the way."""

    choices: dict[str, FontChoice]
    skipped: tuple[str, ...] = ()

    def name(self, role: str) -> str:
        return self.choices[role].font_name

    @property
    def all_embedded(self) -> bool:
        return all(c.embedded for c in self.choices.values())

    @property
    def cid_fallback(self) -> bool:
        return any(c.font_name == CID_FONT for c in self.choices.values())


def default_font_dirs() -> list[Path]:
    """Where the operating system keeps fonts (system-wide first, then the user's own)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs = [windir / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
            home / ".fonts"]


def _font_files(dirs: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, files in os.walk(folder):
            for file in sorted(files):
                if file.lower().endswith((".ttf", ".ttc", ".otf")):
                    found.append(Path(root) / file)
    return found


def _names(parser: TTFontParser) -> tuple[str, ...]:
    """Family and full names of every language in the font's name table (IDs 1, 4, 16)."""
    start = parser.seek_table("name")
    parser.read_ushort()
    count = parser.read_ushort()
    strings = start + parser.read_ushort()
    names: list[str] = []
    for _ in range(count):
        platform, encoding, language, name_id, length, offset = (parser.read_ushort() for _ in range(6))
        if name_id not in (1, 4, 16):
            continue
        raw = parser.get_chunk(strings + offset, length)
        if platform in (0, 3):
            text = raw.decode("utf-16-be", errors="ignore")
        elif platform == 1 and encoding == 0 and language == 0:
            text = raw.decode("mac_roman", errors="ignore")
        else:
            continue
        if text and text not in names:
            names.append(text)
    return tuple(names)


def _fs_type(parser: TTFontParser) -> int:
    if "OS/2" not in parser.table:
        return 0
    parser.seek_table("OS/2", 8)
    return int(parser.read_ushort())


def read_faces(path: Path) -> list[FontFace]:
    """The TrueType faces of a file; [] for CFF (.otf) outlines or a file reportlab cannot read."""
    faces: list[FontFace] = []
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.debug("字体文件 %s 无法读取：%s", path, exc)
        return faces
    index = 0
    while index < MAX_SUBFONTS:
        try:
            parser = TTFontParser(io.BytesIO(data), validate=0, subfontIndex=index)
            faces.append(FontFace(path, index, _names(parser), _fs_type(parser)))
        except (TTFError, OSError, ValueError, KeyError, IndexError) as exc:
            if index == 0:
                log.debug("字体文件 %s 无法使用：%s", path, exc)
            break
        if getattr(parser, "numSubfonts", 1) <= index + 1 or parser.fileKind != "TTC":
            break
        index += 1
    return faces


class _Catalogue:
    """The machine's font files: by lower-case file name at once, by family name when first asked."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.files = _font_files(dirs)
        self.by_file: dict[str, Path] = {}
        for path in self.files:
            self.by_file.setdefault(path.name.lower(), path)
        self._by_family: dict[str, FontFace] | None = None
        self._faces: dict[Path, list[FontFace]] = {}

    def faces(self, path: Path) -> list[FontFace]:
        if path not in self._faces:
            self._faces[path] = read_faces(path)
        return self._faces[path]

    def by_family(self) -> dict[str, FontFace]:
        if self._by_family is None:
            self._by_family = {}
            for path in self.files:
                try:
                    if path.suffix.lower() == ".otf" or path.stat().st_size < MIN_CJK_FONT_BYTES:
                        continue
                except OSError:
                    continue
                for face in self.faces(path):
                    for family in face.families:
                        self._by_family.setdefault(family.casefold(), face)
        return self._by_family

    def find(self, candidate: Candidate) -> FontFace | None:
        for file in candidate.files:
            path = self.by_file.get(file.lower())
            if path is None or path.suffix.lower() == ".otf":
                continue
            faces = self.faces(path)
            wanted = {f.casefold() for f in candidate.families}
            for face in faces:  # a .ttc: the subfont whose family is the one asked for
                if wanted & {f.casefold() for f in face.families}:
                    return face
            if faces:
                return faces[0]
        families = self.by_family()
        for family in candidate.families:
            found = families.get(family.casefold())
            if found is not None:
                return found
        return None


def _register(face: FontFace) -> str:
    name = f"PR-{face.path.stem}-{face.subfont}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(face.path), subfontIndex=face.subfont))
    return name


def _register_cid() -> str:
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def find_fonts(dirs: Sequence[Path]) -> FontSet:
    """Resolve every role from the fonts under `dirs` (not cached: `resolve_fonts` is)."""
    catalogue = _Catalogue(dirs)
    skipped: list[str] = []
    choices: dict[str, FontChoice] = {}
    for role in ROLES:
        for candidate in CANDIDATES[role]:
            face = catalogue.find(candidate)
            if face is None:
                continue
            refused = face.embedding_refused
            if refused:
                skipped.append(f"{candidate.label}（{face.path}）：{refused}，未使用")
                continue
            try:
                name = _register(face)
            except (TTFError, OSError, ValueError) as exc:
                skipped.append(f"{candidate.label}（{face.path}）：无法读取（{exc}），未使用")
                continue
            choices[role] = FontChoice(role, name, candidate.label, face.path, face.subfont, True)
            break
    found = dict(choices)
    for role in ROLES:
        if role in choices:
            continue
        lender = next((found[r] for r in BORROW_ORDER if r in found), None)
        if lender is not None:
            choices[role] = FontChoice(
                role, lender.font_name, lender.label, lender.path, lender.subfont, True,
                f"未找到{'、'.join(c.label for c in CANDIDATES[role])}，改用{ROLE_LABELS[lender.role]}字体")
        else:
            choices[role] = FontChoice(
                role, _register_cid(), f"{CID_FONT}（内置）", None, 0, False,
                "本机未找到可嵌入的中文 TrueType 字体，使用内置字体作为最后手段；"
                "请安装仿宋、宋体、黑体、楷体（或 fonts-arphic-uming 等）字体")
    fonts = FontSet(choices, tuple(skipped))
    for line in font_report(fonts):
        (log.warning if "未嵌入" in line or "未使用" in line else log.info)("打印字体：%s", line)
    return fonts


@lru_cache(maxsize=8)
def _resolve(dirs: tuple[Path, ...]) -> FontSet:
    """Parsing the font files makes 10^5 objects, none of them garbage: with the collector paused
    it takes no full collection (which holds the GIL and so froze the window while a preview or
    the binder loaded the fonts on a worker thread)."""
    with collector.paused():
        return find_fonts(dirs)


def resolve_fonts(dirs: Sequence[Path] | None = None) -> FontSet:
    """The fonts of this machine, resolved once per process (per list of folders)."""
    return _resolve(tuple(dirs) if dirs is not None else tuple(default_font_dirs()))


def font_report(fonts: FontSet | None = None) -> list[str]:
    """One Chinese line per role (role, font, file, embedded or not), then what was skipped."""
    fonts = fonts or resolve_fonts()
    lines = [fonts.choices[role].description for role in ROLES]
    lines.extend(f"已跳过：{s}" for s in fonts.skipped)
    return lines
