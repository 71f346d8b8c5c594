"""The main screen and the modals."""
