"""Alerts: rules the secretariat sets on the registry, the alerts they raise (CAP 1.2 and an
Atom feed), the member states' acknowledgements, and delivery through the outbox
(:mod:`liptako.core.outbox`) to each state's webhooks and mailboxes."""
