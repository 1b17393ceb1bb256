"""The msq command line, split by topic."""
