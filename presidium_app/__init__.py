"""主席团工作台 (Presidium Desk): records and printouts for a township people's congress presidium."""

__version__ = "0.1.0"
