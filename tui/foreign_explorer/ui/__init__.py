"""The Textual explorer: screens and widgets over the engine's evaluations."""
