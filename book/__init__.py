"""The course's book: README.md and the notebooks as a static website (python -m book)."""
