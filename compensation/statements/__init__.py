"""Settlement statements: content from the ledger, PDF/CSV/XLSX renderings, verification."""
