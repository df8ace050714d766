"""One module per printed document; each has `build(db, request) -> RenderedDocument` and is listed
in `printing.registry.DOCUMENTS`."""
