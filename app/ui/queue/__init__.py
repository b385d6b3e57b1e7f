"""The case queue: status views, the table model and its view."""
