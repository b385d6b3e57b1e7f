"""The statutory rule sets as data files (read by app.core.deadlines)."""
