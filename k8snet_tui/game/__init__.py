"""What turns the engine into a game: edits, locks, sessions, packs."""
