"""A StrEnum whose members carry a Chinese ``label`` (data, not UI sentences)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    """Members are declared as ``NAME = "value", "中文标签"``."""

    _label_: str

    def __new__(cls, value: str, label: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label_ = label
        return obj

    @property
    def label(self) -> str:
        return self._label_
