"""Launch-link test vectors computed once by the upstream generators themselves.

LINKJS: nbgitpuller's ``docs/_static/link_gen/link.js`` (jupyterhub/nbgitpuller at commit
f7dce435044a769dfab00ed1214a7851f0b60797), run unchanged under node v20.20.2 (WHATWG URL and
URLSearchParams) by ``tests/fixtures/links/linkjs_vectors.js``: its ``displayLink()`` against a
stub of the form (Binder tab: environment on GitHub, content repository, app, file path; the
JupyterHub tab: ``jupyterhub=``), or its ``generateBinderUrl`` / ``generateRegularUrl`` directly
for a custom urlpath. Each vector is written as the options of ``bindermerge link`` that mean
the same inputs, and the URL link.js printed.

LINKJS_DEVIATIONS: inputs for which link.js names a folder, hub path or ref other than the one meant
(see bindermerge/links/nbgitpuller.py): what link.js printed and what bindermerge prints.

BINDERHUB: BinderHub's ``makeShareableUrl`` (jupyterhub/binderhub at commit
b9fad995d5529e487c25a9f0795f4fe150a96f25,
``js/packages/binderhub-react-components/src/LinkGenerator.jsx``), taken out of the file and
run under the same node by ``tests/fixtures/links/binderhub_vectors.js``.

To recompute, with the two upstream files at those commits::

    node tests/fixtures/links/linkjs_vectors.js link.js < tests/fixtures/links/linkjs_cases.json
    node tests/fixtures/links/binderhub_vectors.js LinkGenerator.jsx \
        < tests/fixtures/links/binderhub_cases.json

(the cases files hold the same inputs in the generators' own field names, in this order).
"""

from __future__ import annotations

# (options of bindermerge link, URL link.js produced)
LINKJS: list[tuple[dict[str, str], str]] = [
    (
        {
            "env": "gh:binder-examples/requirements@master",
            "hub": "https://mybinder.org",
            "content": "https://github.com/me/myrepo",
            "content_branch": "main",
            "app": "jupyterlab",
            "path": "index.ipynb",
        },
        "https://mybinder.org/v2/gh/binder-examples/requirements/master?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fme%252Fmyrepo%26urlpath%3Dlab%252Ftree%252Fmyrepo%252Findex.ipynb%26branch%3Dmain",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/content",
            "app": "jupyterlab",
            "path": "",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252F",
    ),
    (
        {
            "env": "gh:o/env@feature/base-box",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/content",
            "content_branch": "release/2024 spring & summer",
            "app": "classic",
            "path": "notebooks/Ünïcode café.ipynb",
        },
        "https://mybinder.org/v2/gh/o/env/feature/base-box?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dtree%252Fcontent%252Fnotebooks%252F%25C3%259Cn%25C3%25AFcode%2Bcaf%25C3%25A9.ipynb%26branch%3Drelease%252F2024%2Bspring%2B%2526%2Bsummer",
    ),
    (
        {
            "env": "gh:o/env@v1.0",
            "hub": "https://mybinder.org/",
            "content": "https://gitlab.com/group/sub/content",
            "content_branch": "a~b*c-d._e",
            "app": "retrolab",
            "path": "dir with spaces/",
        },
        "https://mybinder.org/v2/gh/o/env/v1.0?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgitlab.com%252Fgroup%252Fsub%252Fcontent%26urlpath%3Dretro%252Ftree%252Fcontent%252Fdir%2Bwith%2Bspaces%252F%26branch%3Da%257Eb*c-d._e",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/shiny-app",
            "content_branch": "main",
            "app": "shiny",
            "path": "apps/hello",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fshiny-app%26urlpath%3Dshiny%252Fshiny-app%252Fapps%252Fhello%252F%26branch%3Dmain",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/rproj",
            "content_branch": "main",
            "app": "rstudio",
            "path": "analysis.Rmd",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Frproj%26urlpath%3Drstudio%252F%26branch%3Dmain",
    ),
    (
        {
            "env": "gh:o/env@0123456789abcdef0123456789abcdef01234567",
            "hub": "https://binder.example.org",
            "content": "https://github.com/o/content",
            "content_branch": "日本語/ブランチ",
            "app": "jupyterlab",
            "path": "a+b=c?d#e&f%20g.ipynb",
        },
        "https://binder.example.org/v2/gh/o/env/0123456789abcdef0123456789abcdef01234567?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252Fa%252Bb%253Dc%253Fd%2523e%2526f%252520g.ipynb%26branch%3D%25E6%2597%25A5%25E6%259C%25AC%25E8%25AA%259E%252F%25E3%2583%2596%25E3%2583%25A9%25E3%2583%25B3%25E3%2583%2581",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "urlpath": "voila/render/content/app.ipynb?theme=dark",
            "content": "https://github.com/o/content",
            "content_branch": "main",
            "target_path": "my target/dir",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dvoila%252Frender%252Fcontent%252Fapp.ipynb%253Ftheme%253Ddark%26branch%3Dmain%26targetPath%3Dmy%2Btarget%252Fdir",
    ),
    (
        {
            "jupyterhub": "https://hub.example.org",
            "urlpath": "lab/tree/x/é y.ipynb",
            "content": "https://github.com/me/x",
            "content_branch": "main",
        },
        "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fx&urlpath=lab%2Ftree%2Fx%2F%C3%A9+y.ipynb&branch=main",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/content",
            "content_branch": "emoji-😀",
            "app": "jupyterlab",
            "path": "x'y\"z<w>{v}|u^t`s!~*().ipynb",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252Fx%2527y%2522z%253Cw%253E%257Bv%257D%257Cu%255Et%2560s%2521%257E*%2528%2529.ipynb%26branch%3Demoji-%25F0%259F%2598%2580",
    ),
    (
        {
            "jupyterhub": "https://hub.example.org",
            "content": "https://github.com/me/course",
            "content_branch": "main",
            "app": "jupyterlab",
            "path": "week 1/intro.ipynb",
        },
        "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fcourse&urlpath=lab%2Ftree%2Fcourse%2Fweek+1%2Fintro.ipynb&branch=main",
    ),
    (
        {
            "jupyterhub": "https://hub.example.org/",
            "content": "https://github.com/me/course",
            "server": "gpu",
            "app": "classic",
            "path": "",
        },
        "https://hub.example.org/hub/user-redirect/gpu/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fcourse&urlpath=tree%2Fcourse%2F",
    ),
    (
        {
            "jupyterhub": "https://hub.example.org/prefix",
            "content": "https://github.com/me/course",
            "content_branch": "topic/ü & more",
            "target_path": "course",
            "app": "retrolab",
            "path": "a~b*c.ipynb",
        },
        "https://hub.example.org/prefix/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fcourse&urlpath=retro%2Ftree%2Fcourse%2Fa%7Eb*c.ipynb&branch=topic%2F%C3%BC+%26+more&targetPath=course",
    ),
    (
        {
            "jupyterhub": "https://hub.example.org",
            "content": "https://github.com/me/course",
            "content_branch": "main",
            "target_path": "elsewhere",
            "urlpath": "lab/tree/elsewhere/x.ipynb",
        },
        "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fcourse&urlpath=lab%2Ftree%2Felsewhere%2Fx.ipynb&branch=main&targetPath=elsewhere",
    ),
]

# (options, URL link.js produced, URL bindermerge produces, why they differ)
LINKJS_DEVIATIONS: list[tuple[dict[str, str], str, str, str]] = [
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/content.git",
            "content_branch": "main",
            "app": "jupyterlab",
            "path": "index.ipynb",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent.git%26urlpath%3Dlab%252Ftree%252Fcontent%252Findex.ipynb%26branch%3Dmain",
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent.git%26urlpath%3Dlab%252Ftree%252Fcontent.git%252Findex.ipynb%26branch%3Dmain",
        "nbgitpuller clones https://github.com/o/content.git into content.git (its handlers "
        "keep .git); link.js's Binder tab drops .git",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/content",
            "content_branch": "main",
            "target_path": "work",
            "app": "jupyterlab",
            "path": "index.ipynb",
        },
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252Findex.ipynb%26branch%3Dmain%26targetPath%3Dwork",
        "https://mybinder.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fwork%252Findex.ipynb%26branch%3Dmain%26targetPath%3Dwork",
        "with targetPath nbgitpuller clones into it; link.js keeps the repository's name in "
        "urlpath",
    ),
    (
        {
            "env": "gh:o/env@main",
            "hub": "https://binder.example.org/binder/",
            "content": "https://github.com/o/content",
            "content_branch": "main",
            "app": "jupyterlab",
            "path": "index.ipynb",
        },
        "https://binder.example.org/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252Findex.ipynb%26branch%3Dmain",
        "https://binder.example.org/binder/v2/gh/o/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252Findex.ipynb%26branch%3Dmain",
        "a BinderHub served under a path prefix serves /v2/ below it (BinderHub's own UI "
        "resolves v2/ against its base URL); link.js replaces the whole path",
    ),
    (
        {
            "env": "gh:o/env@fix-100%",
            "hub": "https://mybinder.org",
            "content": "https://github.com/o/content",
            "content_branch": "main",
            "app": "jupyterlab",
            "path": "",
        },
        "https://mybinder.org/v2/gh/o/env/fix-100%?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252F%26branch%3Dmain",
        "https://mybinder.org/v2/gh/o/env/fix-100%25?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fcontent%26urlpath%3Dlab%252Ftree%252Fcontent%252F%26branch%3Dmain",
        "a % in a ref is written %25 so that the ref BinderHub decodes is the ref given",
    ),
]

# (ENV, --hub, --urlpath or None, URL BinderHub's makeShareableUrl produced)
BINDERHUB: list[tuple[str, str, str | None, str]] = [
    (
        "gh:binder-examples/requirements@HEAD",
        "https://mybinder.org/",
        None,
        "https://mybinder.org/v2/gh/binder-examples/requirements/HEAD",
    ),
    (
        "gh:o/env@feature/base-box",
        "https://mybinder.org/",
        "lab/tree/index.ipynb",
        "https://mybinder.org/v2/gh/o/env/feature/base-box?urlpath=lab%2Ftree%2Findex.ipynb",
    ),
    (
        "gh:o/env@päckchen/ünï{1}",
        "https://mybinder.org/",
        "tree/dir with space/a&b.ipynb",
        "https://mybinder.org/v2/gh/o/env/p%C3%A4ckchen/%C3%BCn%C3%AF%7B1%7D?urlpath=tree%2Fdir+with+space%2Fa%26b.ipynb",
    ),
    (
        "gl:group/sub/project@main",
        "https://mybinder.org/",
        None,
        "https://mybinder.org/v2/gl/group%2Fsub%2Fproject/main",
    ),
    (
        "gl:group/project@release/v2",
        "https://mybinder.org/",
        "rstudio/",
        "https://mybinder.org/v2/gl/group%2Fproject/release/v2?urlpath=rstudio%2F",
    ),
    (
        "git+https://git.example.org/team/repo.git@HEAD",
        "https://mybinder.org/",
        None,
        "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fteam%2Frepo.git/HEAD",
    ),
    (
        "git+https://git.example.org/~user/repo(1)!*'@topic/x",
        "https://mybinder.org/",
        "lab/tree/a~b*c.ipynb",
        "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2F~user%2Frepo(1)!*'/topic/x?urlpath=lab%2Ftree%2Fa%7Eb*c.ipynb",
    ),
    (
        "gh:o/env@v1.0",
        "https://binder.example.org/prefix/",
        "shiny/app/",
        "https://binder.example.org/prefix/v2/gh/o/env/v1.0?urlpath=shiny%2Fapp%2F",
    ),
]
