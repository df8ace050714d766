"""打印 where the data lives: a button whose menu lists the documents printable for the selected
record, each opening 打印中心 on that document and record (DOMAIN.md §7: every document is reachable
from the page where its data lives and from 打印中心)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMenu, QPushButton, QWidget


def open_in_print_center(widget: QWidget, key: str, object_id: int | None = None,
                         year: int | None = None) -> bool:
    """Show 打印中心 with `key` chosen for `object_id` (or `year`) and previewed."""
    show_page = getattr(widget.window(), "show_page", None)
    if show_page is None:
        return False
    return bool(show_page("printing").open_document(key, year=year, object_id=object_id))


def print_button(parent: QWidget, keys: Sequence[str], object_id: Callable[[], int | None],
                 year: Callable[[], int | None] = lambda: None) -> QPushButton:
    """打印 ▾ with one entry a document of `keys` (those registered); entries needing a record are
    disabled while none is selected."""
    button = QPushButton("打印")
    button.setToolTip("在打印中心预览并打印所选记录的文书")
    menu = QMenu(button)

    def fill() -> None:
        from presidium_app.printing import registry  # the documents load when first listed, not at start

        menu.clear()
        chosen = object_id()
        for key in keys:
            spec = registry.DOCUMENTS.get(key)
            if spec is None:
                continue
            needs_record = spec.needs not in ("year", "none")
            action = menu.addAction(spec.title)
            action.setEnabled(chosen is not None or not needs_record)
            action.triggered.connect(
                lambda _checked=False, k=key, n=needs_record: open_in_print_center(
                    parent, k, object_id() if n else None, year()))

    menu.aboutToShow.connect(fill)
    button.setMenu(menu)
    return button
