"""CAP 1.2 (OASIS Common Alerting Protocol): writing alert messages and checking them against
the official schema kept in ``xsd/`` (offline) and the rules the schema cannot express."""
