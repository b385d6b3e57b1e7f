"""Worker functions the UI runs through the task runner: plain ``fn(args, state)``,
never touching widgets (Anki's ``aqt/operations``). Reads in ``queue``; changes to a
case in ``cases``, on the write lane."""
