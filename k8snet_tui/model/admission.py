"""The DefaultIngressClass admission plugin: which class a class-less Ingress carries.

The plugin writes the default class into an Ingress when it is *created*, never
into Ingresses that already exist, so the class an Ingress ends up with depends
on history, not only on the current objects. A level's starting state has no
history: its class-less Ingresses are taken as created while the classes it
declares default were already default. After that, only Ingresses the player
creates are admitted; the record is carried from state to state by the game.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from k8snet_tui.model.resources import Ingress, IngressClass

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"

IngressKey = tuple[str, str]
"""(namespace, name)"""


@dataclass(frozen=True)
class Admission:
    """The class the plugin stored on a class-less Ingress, and when."""

    class_name: str
    at_start: bool  # in the level's starting state (assumed), not created during play
    defaults: int = 1  # IngressClasses marked default then; > 1 means one was picked


def is_default_class(ic: IngressClass) -> bool:
    return ic.metadata.annotations.get(DEFAULT_CLASS_ANNOTATION, "").lower() == "true"


def names_a_class(ing: Ingress) -> bool:
    """Whether the Ingress asks for a class itself (the plugin then leaves it alone)."""
    return bool(ing.spec.ingressClassName) or \
        bool(ing.metadata.annotations.get(LEGACY_CLASS_ANNOTATION))


def default_classes(classes: Sequence[IngressClass]) -> list[str]:
    return [ic.metadata.name for ic in classes if is_default_class(ic)]


def admit_at_start(ingresses: Sequence[tuple[IngressKey, Ingress]],
                   classes: Sequence[IngressClass]) -> dict[IngressKey, Admission]:
    """The starting state's class-less Ingresses, taken as admitted with the default.

    With several defaults the API server refuses class-less creates, so these
    must predate one of the markings; the first default in file order is assumed.
    """
    defaults = default_classes(classes)
    if not defaults:
        return {}
    return {key: Admission(defaults[0], True, len(defaults))
            for key, ing in ingresses if not names_a_class(ing)}


def admission_on_create(ing: Ingress, classes: Sequence[IngressClass]) -> Admission | None:
    """What the plugin does to an Ingress the player creates; ValueError if it refuses it."""
    if names_a_class(ing):
        return None
    defaults = default_classes(classes)
    if len(defaults) > 1:
        raise ValueError(f"{len(defaults)} IngressClasses are marked default "
                         f"({', '.join(defaults)}): the API server refuses to create an "
                         "Ingress without spec.ingressClassName; name one")
    return Admission(defaults[0], False) if defaults else None


def carried(admitted: Mapping[IngressKey, Admission],
            ingresses: Sequence[tuple[IngressKey, Ingress]]) -> dict[IngressKey, Admission]:
    """The record kept for the Ingresses that still exist and still name no class."""
    alive = {key for key, ing in ingresses if not names_a_class(ing)}
    return {key: a for key, a in admitted.items() if key in alive}


def class_text(ing: Ingress, admitted: Admission | None) -> str:
    """The Ingress's class as the game shows it, saying where an unwritten one came from."""
    if ing.spec.ingressClassName:
        return ing.spec.ingressClassName
    legacy = ing.metadata.annotations.get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        return f"none; {legacy} by the old {LEGACY_CLASS_ANNOTATION} annotation"
    if admitted is not None:
        return f"none written; {admitted.class_name}, the default class when it was created"
    return "none, and no default class when it was created: no controller serves it"
