"""Media a message carries: photos, files of every kind, places, contacts, polls, dice, link previews."""
