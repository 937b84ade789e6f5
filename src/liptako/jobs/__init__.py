"""Jobs: the worker's work (imports, scans, re-evaluations, periodic work), retried and recorded."""
