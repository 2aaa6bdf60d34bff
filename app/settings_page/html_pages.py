"""The HTML the server writes: the shell each view of the page starts from, and the pages that stand in for
it (not found, files missing). No inline script or style: the policy below refuses them."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from .files import INSTALL_HINT, PageFiles

# Only this server's files run and style the page; it talks to this server alone, and its one form (sign
# out) posts here.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
STYLESHEET = "settings-page.css"
ENTRY_MODULE = "main.js"


@dataclass(frozen=True)
class View:
    """What a URL shows: `kind` is organization, project or audit."""

    kind: str
    organization: str
    project: str | None = None


SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{stylesheet}">
{preloads}
<script type="module" src="{entry}"></script>
</head>
<body>
{header}
<main id="settings-page" class="page"{attributes}>
<p class="loading" role="status">Loading the settings…</p>
<noscript><p>This page needs JavaScript.</p></noscript>
</main>
</body>
</html>
"""

HEADER = """<header class="top-bar">
<a class="brand" href="/organizations/{organization}/settings/ai/">aisettings</a>
<span class="top-bar-organization">{organization}</span>
<span class="top-bar-viewer">Signed in as <strong>{login}</strong></span>
<form method="post" action="/sign-out" class="sign-out">
<button type="submit" class="button">Sign out</button>
</form>
</header>"""

MESSAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
{stylesheet}
</head>
<body>
<main class="page message-page">
<h1>{title}</h1>
<p>{message}</p>
</main>
</body>
</html>
"""


def shell_html(files: PageFiles, view: View, login: str, documents: dict[str, str]) -> str:
    """The page of `view` for the viewer `login`; static/main.js reads the data attributes of
    #settings-page."""
    data = {
        "view": view.kind,
        "organization": view.organization,
        "project": view.project,
        "viewer": login,
        "documents": json.dumps(documents, separators=(",", ":")),
    }
    attributes = "".join(
        f' data-{name}="{html.escape(value)}"' for name, value in data.items() if value is not None
    )
    title = {
        "organization": "AI settings",
        "project": "Project AI settings",
        "audit": "AI settings audit log",
    }
    return SHELL.format(
        title=html.escape(f"{title[view.kind]} · {view.project or view.organization} · aisettings"),
        stylesheet=files.url(STYLESHEET),
        preloads="\n".join(
            f'<link rel="modulepreload" href="{files.url(path)}">'
            for path in files.by_path
            if path.endswith(".js")
        ),
        entry=files.url(ENTRY_MODULE),
        header=HEADER.format(organization=html.escape(view.organization), login=html.escape(login)),
        attributes=attributes,
    )


def message_html(title: str, message: str, files: PageFiles | None) -> str:
    """A page that only says something (not found, not installed), styled when the files are there."""
    return MESSAGE.format(
        title=html.escape(title),
        message=html.escape(message),
        stylesheet="" if files is None else f'<link rel="stylesheet" href="{files.url(STYLESHEET)}">',
    )


def not_found_html(files: PageFiles | None) -> str:
    return message_html(
        "Page not found",
        "There is no such organization or project, or you may not see it.",
        files,
    )


def not_available_html(files: PageFiles | None) -> str:
    return message_html(
        "Not available for this organization yet",
        "The settings page is being rolled out and does not include this organization yet. Its settings "
        "can be read and changed through the API meanwhile.",
        files,
    )


def preact_missing_html() -> str:
    return message_html(
        "The settings page's files are not installed",
        f"The server cannot find Preact and htm in web/node_modules. Run `{INSTALL_HINT}` in the "
        "checkout (it needs Node.js), or point AISETTINGS_GRAPHIQL_ASSETS at a node_modules folder "
        "that holds them, then restart the server.",
        None,
    )
