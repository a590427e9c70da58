"""Launch links: BinderHub URLs, nbgitpuller links and "launch binder" badges.

``launch_url(environment("gh:OWNER/REPO@REF"), content=content("https://github.com/me/c"))``
is the URL ``bindermerge link`` prints; ``badge(url, "markdown")`` its badge. Modules:
:mod:`.urls` (WHATWG serialisation), :mod:`.binderhub` (environments and ``/v2/`` URLs),
:mod:`.content` (content repositories, remotes, clone folders), :mod:`.apps` (where a link
opens), :mod:`.nbgitpuller` (``git-pull`` links), :mod:`.badges`, :mod:`.launch`. Standard
library only, no network.
"""

from __future__ import annotations

from bindermerge.links.apps import APPS, DEFAULT_APP
from bindermerge.links.badges import BADGE_URL, FORMATS, badge
from bindermerge.links.binderhub import DEFAULT_HUB, DEFAULT_REF, Environment, environment
from bindermerge.links.content import Content, content
from bindermerge.links.launch import launch_url

__all__ = [
    "APPS",
    "BADGE_URL",
    "DEFAULT_APP",
    "DEFAULT_HUB",
    "DEFAULT_REF",
    "FORMATS",
    "Content",
    "Environment",
    "badge",
    "content",
    "environment",
    "launch_url",
]
