"""What bindermerge knows about the scripts it chains: interpreters, hand-offs, paths."""
