"""Word lists for hot words (app/core/hot_words.py): data files shipped with the package,
one word a line, ``#`` starts a comment. An administrator's additions are merged in by
``Lexicon.with_additions``."""
