"""Reply markups: inline keyboards under a message, reply keyboards, and their buttons."""
