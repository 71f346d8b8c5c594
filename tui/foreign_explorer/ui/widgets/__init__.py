"""One widget per module; each renders from an ExplorerView."""
