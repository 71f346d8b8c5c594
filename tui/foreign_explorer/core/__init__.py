"""The engine: everything that decides a verdict. Never imports Textual."""
