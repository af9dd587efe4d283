"""Plain Python classes pickled into Golden/pytorch/realworld/lightning_parent_pointers.pt.

They mimic what omegaconf and Lightning put in a checkpoint's hyper-parameters: a tree of config
nodes where every node points back to its parent (a reference cycle per edge). They live in their
own importable module so that `torch.load(weights_only=False)` (Scripts/inventory.py, crosscheck)
can find them; Repro never imports anything.
"""
from __future__ import annotations


class ConfigNode:
    """A config node: a value or children, and a pointer to its parent (None at the root)."""

    def __init__(self, key, value=None, parent=None):
        self.key = key
        self.value = value
        self.parent = parent
        self.children = {}

    def add(self, key, value=None):
        child = ConfigNode(key, value, self)
        self.children[key] = child
        return child


class HParams:
    """What Lightning's `save_hyperparameters()` stores: a name and the config root."""

    def __init__(self, name, root):
        self.name = name
        self.root = root
