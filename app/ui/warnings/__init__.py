"""Early warnings (预警): the list, the rules, and the window's wiring."""
