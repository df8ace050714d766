"""Excel ledgers (台账): templates, imports with a rejection report, and exports (spec/ledgers.md).

`registry.ledger(kind)` gives the ledger of one kind; `common` holds what every kind shares.
No Qt here: the command line and the desktop UI both call these.
"""
