"""The document engine (打印中心, issue 5): no Qt, runs from the command line and the app.

- `fonts`: fonts by role found on the machine, embedded as subsets, the CID font as last resort;
- `linebreak`: 避头尾 line breaking; `text.TextBlock`: the paragraph/cell flowable using it;
- `layout`: page layouts (formal GB/T 9704, form, ledger, board) and the `Document` builder;
- `registry`: the list of printable documents (`DOCUMENTS`, `render`, `choices`);
- `documents/`: one module per document, each with `build(db, request) -> RenderedDocument`.
"""
