"""Qt item models over service results. Big lists hold ids and fetch rows lazily."""
