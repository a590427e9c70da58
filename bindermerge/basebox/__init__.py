"""Base-box branches: the merged environment committed onto a branch of its own
(``bindermerge basebox``)."""
