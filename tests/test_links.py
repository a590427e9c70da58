"""Launch links: byte-identical to nbgitpuller's and BinderHub's own generators, the WHATWG
encodings they rest on, every refusal, and round trips of arbitrary branches and paths."""

from __future__ import annotations

import html.parser
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from helpers.link_vectors import BINDERHUB, LINKJS, LINKJS_DEVIATIONS
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bindermerge.errors import UsageError
from bindermerge.links import (
    BADGE_URL,
    Content,
    badge,
    content,
    environment,
    launch_url,
)
from bindermerge.links.apps import app_urlpath, relative_path
from bindermerge.links.content import clone_directory, public_url
from bindermerge.links.urls import (
    base_url,
    encode_path_segment,
    encode_uri_component,
    form_urlencode,
)


def link(options: dict[str, str]) -> str:
    """The library call that means the same as ``bindermerge link`` with ``options``."""
    opts = dict(options)
    env = environment(opts.pop("env")) if "env" in opts else None
    pulled = None
    if "content" in opts:
        pulled = content(
            opts.pop("content"),
            branch=opts.pop("content_branch", None),
            target_path=opts.pop("target_path", None),
        )
    return launch_url(env, content=pulled, **opts)


# --- the upstream generators' own output ------------------------------------------------------


@pytest.mark.parametrize(("options", "expected"), LINKJS)
def test_nbgitpuller_links_are_byte_identical_to_link_js(options, expected):
    assert link(options) == expected


@pytest.mark.parametrize(("options", "linkjs", "ours", "why"), LINKJS_DEVIATIONS)
def test_where_link_js_names_the_wrong_place_the_real_one_is_used(options, linkjs, ours, why):
    assert link(options) == ours != linkjs, why


def test_deviations_open_the_folder_nbgitpuller_clones_into():
    # nbgitpuller's handlers: targetpath or repo.split('/')[-1], with the trailing slash
    # Content drops (it would clone into the server's root)
    assert clone_directory(Content("https://github.com/o/content.git")) == "content.git"
    assert clone_directory(Content("https://github.com/o/content/")) == "content"
    assert clone_directory(Content("https://github.com/o/content", None, "work")) == "work"


@pytest.mark.parametrize(("env", "hub", "urlpath", "expected"), BINDERHUB)
def test_binderhub_links_are_byte_identical_to_its_link_generator(env, hub, urlpath, expected):
    assert launch_url(environment(env), hub=hub, urlpath=urlpath) == expected


def test_binderhub_url_forms():
    assert launch_url(environment("gh:o/r")) == "https://mybinder.org/v2/gh/o/r/HEAD"
    assert launch_url(environment("gh:o/r.git@v1")) == "https://mybinder.org/v2/gh/o/r/v1"
    assert launch_url(environment("gl:a/b/c@x/y")) == "https://mybinder.org/v2/gl/a%2Fb%2Fc/x/y"
    assert launch_url(environment("git+ssh://git@h.org/r.git@main"), hub="http://h:8080") == (
        "http://h:8080/v2/git/ssh%3A%2F%2Fgit%40h.org%2Fr.git/main"
    )
    assert environment("gh:o/r", ref="dev").ref == "dev"
    assert environment("gh:o/r@main", ref="dev").ref == "main"


def test_path_and_app_without_content():
    env = environment("gh:o/r@main")
    base = "https://mybinder.org/v2/gh/o/r/main"
    assert launch_url(env, path="nb/a b.ipynb") == f"{base}?urlpath=lab%2Ftree%2Fnb%2Fa+b.ipynb"
    assert launch_url(env, path="./nb.ipynb", app="classic") == f"{base}?urlpath=tree%2Fnb.ipynb"
    assert launch_url(env, app="rstudio") == f"{base}?urlpath=rstudio%2F"
    assert launch_url(env, path="app", app="shiny") == f"{base}?urlpath=shiny%2Fapp%2F"
    assert launch_url(env, urlpath="/voila/render/x.ipynb") == (
        f"{base}?urlpath=%2Fvoila%2Frender%2Fx.ipynb"
    )


def test_app_urlpaths_as_link_js_maps_them():
    assert [app_urlpath(a, "r/p") for a in ("classic", "retrolab", "jupyterlab")] == [
        "tree/r/p",
        "retro/tree/r/p",
        "lab/tree/r/p",
    ]
    assert app_urlpath("shiny", "r/p") == app_urlpath("shiny", "r/p/") == "shiny/r/p/"
    assert app_urlpath("rstudio", "r/p") == "rstudio/"
    with pytest.raises(ValueError, match="unknown app 'vscode'"):
        app_urlpath("vscode", "x")


# --- the WHATWG encodings --------------------------------------------------------------------

ALL_ASCII = "".join(chr(i) for i in range(0x80))
UNICODE = "é日本😀\u00a0\u2028"
# node v20.20.2: new URLSearchParams([[ALL_ASCII + UNICODE, "v " + ALL_ASCII + UNICODE]])
FORM_ALL = (
    "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C"
    "%1D%1E%1F+%21%22%23%24%25%26%27%28%29*%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJ"
    "KLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D%7E%7F%C3%A9%E6%97%A5%E6"
    "%9C%AC%F0%9F%98%80%C2%A0%E2%80%A8"
)
# node: encodeURIComponent(ALL_ASCII + UNICODE)
COMPONENT_ALL = (
    "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C"
    "%1D%1E%1F%20!%22%23%24%25%26'()*%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOP"
    "QRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%7F%C3%A9%E6%97%A5%E6%9C%AC"
    "%F0%9F%98%80%C2%A0%E2%80%A8"
)
# node: url.pathname = "/" + ALL_ASCII + UNICODE, without "\\" (a separator in http URLs) and
# tab, LF, CR (which the parser strips): what the pathname became
PATH_ALL = (
    "/%00%01%02%03%04%05%06%07%08%0B%0C%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F"
    "%20!%22%23$%&'()*+,-./0123456789:;%3C=%3E%3F@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_%60abcdefghijklmn"
    "opqrstuvwxyz%7B|%7D~%7F%C3%A9%E6%97%A5%E6%9C%AC%F0%9F%98%80%C2%A0%E2%80%A8"
)


def test_form_urlencoding_is_urlsearchparams():
    assert form_urlencode([(ALL_ASCII + UNICODE, "v " + ALL_ASCII + UNICODE)]) == (
        f"{FORM_ALL}=v+{FORM_ALL}"
    )
    # where Python's own functions differ from it
    from urllib.parse import urlencode

    assert urlencode({"b": "~*"}) == "b=%7E%2A" or urlencode({"b": "~*"}) == "b=~%2A"
    assert form_urlencode([("b", "~*")]) == "b=%7E*"
    # a lone surrogate is U+FFFD, a pair is one character (node: new URLSearchParams)
    assert form_urlencode([("lone", "a\ud800b")]) == "lone=a%EF%BF%BDb"
    assert form_urlencode([("p", "\ud83d\ude00")]) == "p=%F0%9F%98%80"


def test_encode_uri_component_and_path_are_javascripts():
    assert encode_uri_component(ALL_ASCII + UNICODE) == COMPONENT_ALL
    path_input = "".join(c for c in ALL_ASCII if c not in "\\\t\n\r") + UNICODE
    assert "/" + encode_path_segment(path_input) == PATH_ALL
    assert encode_path_segment("a%41/b", escape_percent=True) == "a%2541/b"


@given(st.lists(st.tuples(st.text(), st.text()), max_size=4))
def test_form_urlencoding_round_trips(pairs):
    text = form_urlencode(pairs)
    assert set(text) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._+%=&"
    )
    assert parse_qsl(text, keep_blank_values=True) == [p for p in pairs] or not pairs


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("https://mybinder.org", "https://mybinder.org/"),
        ("HTTPS://MyBinder.ORG:443", "https://mybinder.org/"),
        ("http://hub.example:80/binder", "http://hub.example/binder/"),
        ("https://hub.example:8443/ä{x}/", "https://hub.example:8443/%C3%A4%7Bx%7D/"),
        ("https://bücher.example", "https://xn--bcher-kva.example/"),
        ("https://[::1]:9000/", "https://[::1]:9000/"),
    ],
)
def test_hub_addresses_are_normalised_as_url_parsers_do(given_url, expected):
    assert base_url(given_url) == expected


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("mybinder.org", "must be an http:// or https:// URL"),
        ("ftp://mybinder.org", "must be an http:// or https:// URL"),
        ("https://user:pw@mybinder.org", "must not carry credentials"),
        ("https://mybinder.org/?x=1", "takes no query or fragment"),
        ("https://mybinder.org/#top", "takes no query or fragment"),
        ("https://mybinder.org/a/../b", "must not hold '.', '..'"),
        ("https://my binder.org", "is not a URL"),
        ("https://mybinder.org:99999", "is not a URL"),
        ("", "is not a URL"),
    ],
)
def test_hub_addresses_that_cannot_be_a_public_hub_are_refused(bad, message):
    with pytest.raises(UsageError, match=message):
        base_url(bad)


# --- environments and content repositories ----------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("o/r", "is not a repository; spellings: gh:OWNER/REPO"),
        ("https://github.com/o/r", "is not a repository"),
        ("gh:o", "gh: needs OWNER/REPO"),
        ("gh:o/r#binder", "a #SUBDIR cannot be launched"),
        ("git+file:///srv/r.git", "cannot fetch a file:// repository"),
        ("gh:o/r@-x", "not a branch, tag or commit name"),
        ("gh:o/r@a/.b", "not a branch, tag or commit name"),
        ("gh:o/r@a//b", "not a branch, tag or commit name"),
        ("gh:o/r@a.lock", "not a branch, tag or commit name"),
    ],
)
def test_environments_that_cannot_be_launched_are_refused(spec, message):
    with pytest.raises(UsageError, match=message):
        environment(spec)


def test_content_repositories():
    assert content("gh:me/course@dev") == Content("https://github.com/me/course", "dev")
    assert content("gl:g/s/c").repo == "https://gitlab.com/g/s/c"
    assert content("git+https://h.org/c.git@x").repo == "https://h.org/c.git"
    assert content("https://h.org/c", target_path="./work/").target_path == "work"
    # nbgitpuller clones into repo.split('/')[-1]: "" (the server's root) after a slash.
    slashed = content("https://github.com/me/course//")
    assert (slashed.repo, clone_directory(slashed)) == ("https://github.com/me/course", "course")
    for bad, message in [
        ("gh:me/course@dev", "names a branch and so does --content-branch"),
        ("https://me:token@github.com/me/c", "must not carry credentials"),
        ("git@github.com:me/c.git", "must be a URL a hub can clone"),
        ("/home/me/course", "must be a URL a hub can clone"),
        ("https://github.com/", "names no repository"),
        ("https://github.com/me/c?x", "takes no query"),
    ]:
        with pytest.raises(UsageError, match=message):
            content(bad, branch="main" if "names a branch" in message else None)
    with pytest.raises(UsageError, match="--content-branch must not be empty"):
        content("https://h.org/c", branch="")
    with pytest.raises(UsageError, match="--target-path '../x' must stay inside"):
        content("https://h.org/c", target_path="../x")
    with pytest.raises(UsageError, match="--target-path must name a folder"):
        content("https://h.org/c", target_path="/")


@pytest.mark.parametrize(
    ("remote", "public"),
    [
        ("git@github.com:me/course.git", "https://github.com/me/course"),
        ("git@GitHub.com:me/course", "https://github.com/me/course"),
        ("ssh://git@gitlab.com:2222/g/s/course.git", "https://gitlab.com/g/s/course"),
        ("https://me:ghp_secret@github.com/me/course.git", "https://github.com/me/course"),
        ("https://git.example.org/team/course.git", "https://git.example.org/team/course.git"),
        ("http://git.example.org:8080/c", "http://git.example.org:8080/c"),
        ("git://git.example.org/c", "https://git.example.org/c"),
        ("me@host.example:course", "https://host.example/course"),
        ("/srv/git/course.git", None),
        ("file:///srv/git/course.git", None),
        ("C:/repos/course", None),
        ("https://github.com/", None),
    ],
)
def test_remotes_map_to_an_address_others_can_open(remote, public):
    assert public_url(remote) == public


def test_paths_stay_in_the_repository():
    assert relative_path("/a/b") == relative_path("./a/b") == "a/b"
    assert relative_path("dir/") == "dir/"
    assert relative_path(".") == ""
    with pytest.raises(UsageError, match="must stay inside the repository"):
        relative_path("a/../../b")
    with pytest.raises(UsageError, match="control characters"):
        relative_path("a\nb")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"app": "vscode"}, "--app must be one of jupyterlab, classic"),
        ({"urlpath": "x", "path": "y"}, "--urlpath replaces --path and --app"),
        ({"urlpath": "x", "app": "classic"}, "--urlpath replaces --path and --app"),
        ({"server": "gpu"}, "it needs --jupyterhub"),
        ({"jupyterhub": "https://h", "hub": "https://b"}, "give one"),
        ({"jupyterhub": "https://h"}, "it needs --content"),
        ({"jupyterhub": "https://h", "server": "a/b"}, "is not a server name"),
        ({"urlpath": "a\x00"}, "control characters"),
    ],
)
def test_options_that_do_not_fit_together(options, message):
    with pytest.raises(UsageError, match=message):
        launch_url(environment("gh:o/r"), **options)


# --- badges, read back by the markup's own readers ------------------------------------------


class _Anchors(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def read_badge(snippet: str, fmt: str) -> tuple[list[str], list[str]]:
    """(link targets, image sources) of a badge snippet, as its markup's reader sees them."""
    if fmt == "markdown":
        tokens = MarkdownIt().parseInline(snippet)[0].children or []
        hrefs = [str(t.attrGet("href")) for t in tokens if t.type == "link_open"]
        return hrefs, [str(t.attrGet("src")) for t in tokens if t.type == "image"]
    if fmt == "rst":
        doc = publish_doctree(snippet, settings_overrides={"report_level": 5})
        refs = [str(n.get("refuri")) for n in doc.findall(nodes.reference)]
        return refs, [str(n["uri"]) for n in doc.findall(nodes.image)]
    parser = _Anchors()
    parser.feed(snippet)
    hrefs = [str(a["href"]) for t, a in parser.found if t == "a"]
    return hrefs, [str(a["src"]) for t, a in parser.found if t == "img"]


def test_badge_snippets_are_binderhubs():
    url = "https://mybinder.org/v2/gh/o/r/HEAD"
    assert badge(url, "url") == url
    assert badge(url, "markdown") == f"[![Binder]({BADGE_URL})]({url})"
    assert badge(url, "rst") == f".. image:: {BADGE_URL}\n :target: {url}"
    assert badge(url, "html") == f'<a href="{url}"><img src="{BADGE_URL}" alt="Binder"></a>'
    with pytest.raises(ValueError, match="unknown format"):
        badge(url, "latex")


TRICKY_URLS = [
    "https://mybinder.org/v2/gh/o/r/HEAD",
    "https://mybinder.org/v2/gh/o/r/fix)paren",
    "https://mybinder.org/v2/gh/o/r/a(b)c?urlpath=lab%2Ftree%2Fdir_",
    "https://mybinder.org/v2/git/https%3A%2F%2Fh%2F~u%2Fr(1)!*'/x_",
    LINKJS[2][1],
]


@pytest.mark.parametrize("fmt", ["markdown", "rst", "html"])
@pytest.mark.parametrize("url", TRICKY_URLS)
def test_badges_link_to_exactly_the_url(url, fmt):
    assert read_badge(badge(url, fmt), fmt) == ([url], [BADGE_URL])


# --- round trips: what a link says reads back as what was asked --------------------------------

# git's rules for ref names (check-ref-format), and printable characters: the spelling reader
# (sources/spellings.py) takes no others
REF_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Cn", "Co", "Cf", "Zs", "Zl", "Zp"),
    blacklist_characters="~^:?*[\\ /",
)
REF_PART = st.text(REF_CHARS, min_size=1, max_size=8).filter(
    lambda p: not p.startswith(".") and not p.endswith((".lock", ".")) and "@{" not in p
)
REFS = (
    st.lists(REF_PART, min_size=1, max_size=3)
    .map("/".join)
    .filter(lambda r: ".." not in r and r != "@" and not r.startswith("-"))
)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


@settings(max_examples=200, deadline=None)
@given(ref=REFS, branch=ANY_TEXT, path=ANY_TEXT, target=st.none() | REF_PART)
def test_an_nbgitpuller_link_reads_back_as_its_inputs(ref, branch, path, target):
    path = relative_path(path.replace("..", "__"))
    pulled = content("https://github.com/me/course", branch=branch, target_path=target)
    # ref= rather than @REF: a '#' (which git allows in a ref) would start a #SUBDIR
    url = launch_url(environment("gh:o/env", ref=ref), content=pulled, path=path)
    parts = urlsplit(url)
    assert unquote(parts.path.removeprefix("/v2/gh/o/env/")) == ref
    inner = _query(url)["urlpath"]
    assert inner.startswith("git-pull?")
    pull = dict(parse_qsl(inner.removeprefix("git-pull?"), keep_blank_values=True))
    assert pull["repo"] == "https://github.com/me/course"
    assert pull["branch"] == branch
    assert pull.get("targetPath") == pulled.target_path
    assert pull["urlpath"] == f"lab/tree/{clone_directory(pulled)}/{path}"


@settings(max_examples=200, deadline=None)
@given(ref=REFS, namespace=st.sampled_from(["g/p", "g/s/p", "a-b/c.d"]), path=ANY_TEXT)
def test_a_binderhub_link_reads_back_as_its_inputs(ref, namespace, path):
    path = relative_path(path.replace("..", "__"))
    url = launch_url(environment(f"gl:{namespace}", ref=ref), path=path, app="classic")
    spec = urlsplit(url).path.removeprefix("/v2/gl/")
    quoted_namespace, quoted_ref = spec.split("/", 1)  # as BinderHub's GitLabRepoProvider
    assert (unquote(quoted_namespace), unquote(quoted_ref)) == (namespace, ref)
    assert _query(url)["urlpath"] == f"tree/{path}"


@settings(max_examples=100, deadline=None)
@given(branch=ANY_TEXT, path=ANY_TEXT, server=st.none() | st.text("abc-_", min_size=1))
def test_a_jupyterhub_link_reads_back_as_its_inputs(branch, path, server):
    path = relative_path(path.replace("..", "__"))
    pulled = content("https://gitlab.com/g/course", branch=branch)
    url = launch_url(
        None, jupyterhub="https://hub.example", server=server, content=pulled, path=path
    )
    parts = urlsplit(url)
    assert parts.path == "/hub/user-redirect/" + (f"{server}/" if server else "") + "git-pull"
    assert _query(url) == {
        "repo": "https://gitlab.com/g/course",
        "urlpath": f"lab/tree/course/{path}",
        "branch": branch,
    }


def test_links_and_metadata_import_only_the_standard_library():
    # basebox renders links from these, and a README check may run in a hook: no heavy imports
    import subprocess
    import sys

    script = (
        "import sys\nimport bindermerge.links, bindermerge.links.launch\n"
        "import bindermerge.notebooks.metadata\n"
        "from bindermerge.links import environment, launch_url, badge\n"
        "badge(launch_url(environment('gh:o/r@main'), path='a'), 'markdown')\n"
        "heavy = {'nbformat', 'jsonschema', 'typer', 'click', 'ruamel', 'packaging', 'jinja2'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr
