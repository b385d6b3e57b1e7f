"""One case: the summary pane and the dialogs of its workflow actions."""
