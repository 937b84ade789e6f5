"""The command-post exercise `liptako init` loads: its script and its removal."""
