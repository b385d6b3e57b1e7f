"""Reference data screens: the holiday calendar."""
