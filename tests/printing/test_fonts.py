"""Fonts by role: found by file or family name, embedded when allowed, the CID font said plainly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontParser

from presidium_app.printing.fonts import CID_FONT, ROLES, find_fonts, font_report, resolve_fonts

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")


def test_no_chinese_truetype_font_falls_back_to_the_cid_font_and_says_so(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "simfang.ttf").write_bytes(b"not a font at all" * 100)  # a damaged file, by name
    (fonts / "NotoSansCJK-Regular.otf").write_bytes(b"OTTO" + b"\0" * 400)  # CFF: never used
    if DEJAVU.exists():
        shutil.copy(DEJAVU, fonts / "DejaVuSans.ttf")  # TrueType, but not a candidate
    found = find_fonts([fonts])
    assert {c.font_name for c in found.choices.values()} == {CID_FONT}
    assert not any(c.embedded for c in found.choices.values())
    assert found.cid_fallback and not found.all_embedded
    report = font_report(found)
    assert len(report) == len(ROLES)
    assert all(CID_FONT in line and "未嵌入" in line for line in report)


def _with_fs_type(source: Path, target: Path, fs_type: int) -> None:
    data = bytearray(source.read_bytes())
    parser = TTFontParser(str(source))
    offset = parser.table["OS/2"]["offset"] + 8
    data[offset:offset + 2] = fs_type.to_bytes(2, "big")
    target.write_bytes(bytes(data))


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs a TrueType font to copy")
def test_a_font_whose_licence_forbids_embedding_is_skipped_and_named(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    _with_fs_type(DEJAVU, fonts / "simhei.ttf", 0x0002)  # found by name as 黑体, restricted
    found = find_fonts([fonts])
    assert found.choices["heading1"].font_name == CID_FONT
    assert any("simhei.ttf" in s and "禁止嵌入" in s for s in found.skipped)
    assert any("禁止嵌入" in line for line in font_report(found))


@pytest.mark.skipif(not UMING.exists(), reason="needs fonts-arphic-uming")
def test_roles_found_by_file_name_and_others_borrow(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "uming.ttc").symlink_to(UMING)
    found = find_fonts([fonts])
    body = found.choices["body"]
    assert (body.label, body.subfont, body.embedded) == ("AR PL UMing", 0, True)
    for role in ("title", "heading1", "heading2"):
        assert found.choices[role].font_name == body.font_name
        assert "改用正文字体" in found.choices[role].note


@pytest.mark.skipif(not UMING.exists(), reason="needs the Debian Chinese fonts")
def test_this_machine_embeds_a_truetype_font_for_every_role() -> None:
    fonts = resolve_fonts()
    assert fonts is resolve_fonts()  # resolved once per process
    assert fonts.all_embedded
    assert fonts.choices["body"].label == "AR PL UMing"
    assert fonts.choices["heading2"].label == "AR PL UKai"
    assert fonts.choices["title"].label == fonts.choices["heading1"].label == "文泉驿正黑"
