"""Use cases, one module per area. A `Database` and the acting user in, plain data out. No Qt."""
